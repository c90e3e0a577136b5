import { IConstruct } from 'constructs';
import { promDuration, RuleGroup, selector } from './alerts';
import { declareAlerts } from './declarations';
import { RULES_CONFIG, RulesConfig } from './rules-config';
import type { ServiceLabels } from './service-alerts';

/**
 * Alerts for a CloudNativePG cluster, on the metrics of its instance manager's exporter (port 9187).
 * `service` is the cluster's name: Prometheus copies the pods' `cnpg.io/cluster` label into it.
 * @see https://cloudnative-pg.io/documentation/current/monitoring/
 */
export function postgresAlerts(labels: ServiceLabels, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.postgres;
  const sel = selector({ namespace: labels.namespace, service: labels.service });
  const maxConnections = selector({ namespace: labels.namespace, service: labels.service }, ['name="max_connections"']);
  const who = `PostgreSQL ${labels.namespace}/${labels.service}`;
  return {
    name: `${labels.namespace}-${labels.service}-postgres`,
    rules: [
      {
        alert: 'PostgresInstanceDown',
        expr: `cnpg_collector_up${sel} == 0`,
        for: c.downFor,
        severity: 'critical',
        summary: `${who}: instance {{ $labels.pod }} is down.`,
        description: `The instance manager of {{ $labels.pod }} reports PostgreSQL as not running for ${promDuration(c.downFor)}.`,
      },
      {
        alert: 'PostgresReplicationLag',
        expr: `cnpg_pg_replication_lag${sel} > ${c.replicationLagSeconds}`,
        for: c.replicationLagFor,
        severity: 'warning',
        summary: `${who}: standby {{ $labels.pod }} is {{ $value | humanizeDuration }} behind.`,
        description: `Standby {{ $labels.pod }} has lagged its primary by more than ${c.replicationLagSeconds} s for ${promDuration(c.replicationLagFor)}; a failover now would lose those writes.`,
      },
      {
        alert: 'PostgresConnectionsNearMax',
        expr: `sum by (namespace, service, pod) (cnpg_backends_total${sel})\n/ on (namespace, service, pod)\nmax by (namespace, service, pod) (cnpg_pg_settings_setting${maxConnections})\n> ${c.connectionsRatio}`,
        for: c.connectionsFor,
        severity: 'warning',
        summary: `${who}: {{ $labels.pod }} uses {{ $value | humanizePercentage }} of max_connections.`,
        description: `More than ${Math.round(c.connectionsRatio * 100)} % of max_connections are in use; new clients will soon be refused. Check for leaking pools or add PgBouncer.`,
      },
    ],
  };
}

/**
 * Alerts for the backups of a CloudNativePG cluster with an object store: the Barman Cloud
 * plugin's metrics (its sidecar's, on the instance manager's exporter; CloudNativePG's own
 * `cnpg_collector_*backup*` metrics stay zero with the plugin) and PostgreSQL's pg_stat_archiver.
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/observability/
 */
export function postgresBackupAlerts(labels: ServiceLabels, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.postgres;
  const sel = selector({ namespace: labels.namespace, service: labels.service });
  const who = `PostgreSQL ${labels.namespace}/${labels.service}`;
  const by = 'by (namespace, service)';
  return {
    name: `${labels.namespace}-${labels.service}-backups`,
    rules: [
      {
        alert: 'PostgresBackupFailing',
        expr: `time() - max ${by} (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp${sel}) > ${c.backupMaxAge.toSeconds()}\nor\nmax ${by} (barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp${sel}) > max ${by} (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp${sel})`,
        severity: 'warning',
        summary: `${who}: backups are failing.`,
        description: `The last backup failed, or none succeeded in the last ${promDuration(c.backupMaxAge)}. Check the Backup objects and the object store credentials.`,
      },
      {
        alert: 'PostgresWalArchivingFailing',
        // pg_stat_archiver as the exporter reports it: epochs, -1 before the first attempt.
        expr: `cnpg_pg_stat_archiver_last_failed_time${sel} > cnpg_pg_stat_archiver_last_archived_time${sel}`,
        for: c.walArchivingFailingFor,
        severity: 'warning',
        summary: `${who}: {{ $labels.pod }} cannot archive WAL.`,
        description: `Every WAL archive attempt of {{ $labels.pod }} has failed for ${promDuration(c.walArchivingFailingFor)}: nothing written since can be recovered from the object store, and the unarchived WAL fills the volume until writes stop.`,
      },
    ],
  };
}

/**
 * Alerts for Valkey, on the metrics of redis_exporter (a sidecar on port 9121).
 * @see https://github.com/oliver006/redis_exporter
 */
export function valkeyAlerts(labels: ServiceLabels, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.valkey;
  const sel = selector({ namespace: labels.namespace, service: labels.service });
  const primary = selector({ namespace: labels.namespace, service: labels.service }, ['role="master"']);
  const who = `Valkey ${labels.namespace}/${labels.service}`;
  return {
    name: `${labels.namespace}-${labels.service}-valkey`,
    rules: [
      {
        alert: 'ValkeyDown',
        expr: `redis_up${sel} == 0`,
        for: c.downFor,
        severity: 'critical',
        summary: `${who}: {{ $labels.pod }} is down.`,
        description: `The exporter next to {{ $labels.pod }} cannot reach Valkey for ${promDuration(c.downFor)}.`,
      },
      {
        alert: 'ValkeyNoPrimary',
        expr: `count by (namespace, service) (redis_up${sel})\nunless on (namespace, service)\ncount by (namespace, service) (redis_instance_info${primary})`,
        for: c.noPrimaryFor,
        severity: 'critical',
        summary: `${who} has no primary.`,
        description: `No instance reports the master role for ${promDuration(c.noPrimaryFor)}; writes fail until Sentinel or an operator promotes a replica.`,
      },
      {
        alert: 'ValkeyMemoryNearMax',
        expr: `redis_memory_used_bytes${sel} / redis_memory_max_bytes${sel} > ${c.memoryRatio}\nand\nredis_memory_max_bytes${sel} > 0`,
        for: c.memoryFor,
        severity: 'warning',
        summary: `${who}: {{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory.`,
        description: `Memory use is above ${Math.round(c.memoryRatio * 100)} % of maxmemory; keys are being evicted or writes refused, depending on the eviction policy.`,
      },
    ],
  };
}

/** The daily dump job of a single-instance database. */
export interface DumpJobLabels extends ServiceLabels {
  /** Name of the CronJob. */
  readonly cronJob: string;
}

/**
 * The alert for a single-instance PostgreSQL's daily dump (and its offsite copy, which fails the
 * same Job), on kube-state-metrics' CronJob metrics, whose `namespace` is the CronJob's (Prometheus
 * keeps kube-state-metrics' own labels); the alert carries the database's namespace and service.
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/cronjob-metrics.md
 */
export function postgresDumpAlerts(labels: DumpJobLabels, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const maxAge = config.postgres.backupMaxAge;
  const sel = selector({ namespace: labels.namespace, cronjob: labels.cronJob });
  const by = 'by (namespace, cronjob)';
  return {
    name: `${labels.namespace}-${labels.cronJob}-dump`,
    rules: [{
      alert: 'PostgresDumpFailing',
      // No success for too long; or, for a CronJob that never succeeded, since it was created.
      expr: `time() - max ${by} (kube_cronjob_status_last_successful_time${sel}) > ${maxAge.toSeconds()}\nor\ntime() - max ${by} (kube_cronjob_created${sel}) > ${maxAge.toSeconds()}\nunless on (namespace, cronjob)\nkube_cronjob_status_last_successful_time${sel}`,
      severity: 'warning',
      labels: { namespace: labels.namespace, service: labels.service },
      summary: `PostgreSQL ${labels.namespace}/${labels.service}: no successful dump for ${promDuration(maxAge)}.`,
      description: `The CronJob ${labels.cronJob} has not completed a run in ${promDuration(maxAge)}: the dump or its offsite copy failed, or it did not run. Its failed Jobs and their logs say which.`,
    }],
  };
}

/** For the backup construct: declares the dump job's alert on it. */
export function monitorPostgresDump(scope: IConstruct, labels: DumpJobLabels): void {
  declareAlerts(scope, config => postgresDumpAlerts(labels, config));
}

/** For the data constructs: declares a CloudNativePG cluster's alerts on the construct that creates it. */
export function monitorPostgres(scope: IConstruct, labels: ServiceLabels): void {
  declareAlerts(scope, config => postgresAlerts(labels, config));
}

/** For the data constructs: declares the backup alerts of a CloudNativePG cluster with an object store. */
export function monitorPostgresBackups(scope: IConstruct, labels: ServiceLabels): void {
  declareAlerts(scope, config => postgresBackupAlerts(labels, config));
}

/** For the data constructs: declares Valkey's alerts on the construct that creates it. */
export function monitorValkey(scope: IConstruct, labels: ServiceLabels): void {
  declareAlerts(scope, config => valkeyAlerts(labels, config));
}
