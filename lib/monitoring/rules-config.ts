import { Duration } from 'cdk8s';

/**
 * The one config object every alert rule and dashboard query reads: metric names, selectors and
 * thresholds. Rules only interpolate these values; override one by merging
 * (`withDefaults(RULES_CONFIG, { http: { errorRatioWarning: 0.1 } })`).
 */
export const RULES_CONFIG = {
  /** Metrics of a service instrumented with a Prometheus client (the URL shortener, seed 002). */
  http: {
    /** Counter of served requests, labelled by route, method and status. */
    requestsTotal: 'http_requests_total',
    /** Histogram of request durations in seconds; its buckets are `<name>_bucket`. */
    durationBucket: 'http_request_duration_seconds_bucket',
    /** Label holding the HTTP status code. */
    statusLabel: 'status',
    /** Label holding the route (a template, not the raw path). */
    routeLabel: 'route',
    cpuSecondsTotal: 'process_cpu_seconds_total',
    residentMemoryBytes: 'process_resident_memory_bytes',
    /** Window of every rate. Change it together with the scrape interval (at least 4 scrapes). */
    rateWindow: Duration.minutes(5),
    /** ServiceDown: a scrape target down for this long (seed 002: 1 m). */
    downFor: Duration.minutes(1),
    /** HighErrorRate: share of 5xx responses (seed 002: 5 % over 5 m). */
    errorRatioWarning: 0.05,
    errorRatioWarningFor: Duration.minutes(5),
    /** HighErrorRateCritical: share of 5xx responses that pages (seed 002: 25 %). */
    errorRatioCritical: 0.25,
    errorRatioCriticalFor: Duration.minutes(2),
    /** HighLatency: p95 in seconds (seed 002: 2 s). */
    latencyP95Seconds: 2,
    latencyFor: Duration.minutes(5),
    /** HighAppCPU: CPU seconds per second of the process (seed 002: 80 % for 3 m). */
    appCpuCores: 0.8,
    appCpuFor: Duration.minutes(3),
    /** HighMemory: resident memory of the process (seed 002: 512 MB). */
    memoryBytes: 512 * 1024 * 1024,
    memoryFor: Duration.minutes(5),
    /** NoRequests: zero traffic for this long (seed 002: 5 m). */
    noRequestsFor: Duration.minutes(5),
  },
  /** Nodes, from node-exporter. */
  node: {
    /** HighCPUUsage: busy share of a node's CPUs (seed 002: 90 %). */
    cpuRatio: 0.9,
    cpuFor: Duration.minutes(5),
  },
  /** Public URLs, from the blackbox exporter (seed 004). */
  probes: {
    /** Scrape job of the probes; rules select on it. */
    job: 'blackbox-http',
    /** Probe interval (seed 004: every 30 s). */
    interval: Duration.seconds(30),
    /** PublicEndpointDown: a URL failing for longer than this (seed 004: 2 m). */
    downFor: Duration.minutes(2),
  },
  /** PostgreSQL, from the CloudNativePG instance manager's exporter (port 9187). */
  postgres: {
    downFor: Duration.minutes(1),
    /** PostgresReplicationLag: seconds a standby is behind its primary. */
    replicationLagSeconds: 30,
    replicationLagFor: Duration.minutes(5),
    /** PostgresConnectionsNearMax: share of max_connections in use. */
    connectionsRatio: 0.8,
    connectionsFor: Duration.minutes(5),
    /** PostgresBackupFailing: no successful backup for this long (a daily schedule plus slack). */
    backupMaxAge: Duration.hours(26),
    /**
     * PostgresWalArchivingFailing: the last archive attempt failed and none has succeeded since, for
     * this long. PostgreSQL retries a segment every minute; a blip clears well within it.
     */
    walArchivingFailingFor: Duration.minutes(10),
  },
  /** The monitoring stack itself. */
  stack: {
    /** MonitoringTargetDown: a pod of the stack (an exporter, Alloy, Loki...) not answering scrapes. */
    targetDownFor: Duration.minutes(5),
    /** PrometheusRuleFailures: rules failing to evaluate (a query error means the alert can never fire). */
    ruleFailuresFor: Duration.minutes(15),
    /** AlertmanagerNotificationsFailing: a receiver refusing notifications. */
    notificationsFailingFor: Duration.minutes(10),
  },
  /** GPU workloads (kube-state-metrics) and GPU memory (node-exporter's drm collector, AMD). */
  gpu: {
    /** GpuWorkloadRestarting: any restart of a GPU container within this window. */
    restartWindow: Duration.minutes(15),
    /** GpuWorkloadSegfault: the exit code of a segfault, what ROCm does without its gfx override (seed 004: 139). */
    segfaultExitCode: 139,
    /** GpuMemoryPressure: share of a card's memory (VRAM and GTT, the system RAM an iGPU borrows) in use. */
    memoryRatio: 0.9,
    memoryFor: Duration.minutes(10),
  },
  /** Valkey, from redis_exporter (port 9121). */
  valkey: {
    downFor: Duration.minutes(1),
    noPrimaryFor: Duration.minutes(1),
    /** ValkeyMemoryNearMax: share of maxmemory used; evictions follow. */
    memoryRatio: 0.9,
    memoryFor: Duration.minutes(5),
  },
};

export type RulesConfig = typeof RULES_CONFIG;
