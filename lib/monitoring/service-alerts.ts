import { promDuration, RuleGroup, selector } from './alerts';
import { RULES_CONFIG, RulesConfig } from './rules-config';

/** The labels Prometheus gives every series of a service's pods (see the relabelling in prometheus-config.ts). */
export interface ServiceLabels {
  readonly namespace: string;
  /** `app.kubernetes.io/name` of the pods. */
  readonly service: string;
}

/** The 5xx share of a service's requests; the warning and critical variants share it. */
function errorRatio(sel: string, c: RulesConfig['http']): string {
  const w = promDuration(c.rateWindow);
  const errors = sel.replace(/}$/, `,${c.statusLabel}=~"5.."}`);
  return `sum by (namespace, service) (rate(${c.requestsTotal}${errors}[${w}]))\n/\nsum by (namespace, service) (rate(${c.requestsTotal}${sel}[${w}]))`;
}

/**
 * The eight alerts of seed 002 for one HTTP service instrumented with a Prometheus client, scoped
 * to its pods. WebService declares them for every service that serves metrics.
 */
export function httpServiceAlerts(labels: ServiceLabels, config: RulesConfig = RULES_CONFIG): RuleGroup {
  const c = config.http;
  const sel = selector({ namespace: labels.namespace, service: labels.service });
  const w = promDuration(c.rateWindow);
  const who = `${labels.namespace}/${labels.service}`;
  const pct = (ratio: number) => `${Math.round(ratio * 100)} %`;
  return {
    name: `${labels.namespace}-${labels.service}-http`,
    rules: [
      {
        alert: 'ServiceDown',
        expr: `up${sel} == 0`,
        for: c.downFor,
        severity: 'critical',
        summary: `Pod {{ $labels.pod }} of ${who} does not answer scrapes.`,
        description: `Prometheus could not scrape {{ $labels.instance }} for ${promDuration(c.downFor)}: the pod is down, not ready or its metrics port is wrong.`,
      },
      {
        alert: 'HighErrorRate',
        expr: `${errorRatio(sel, c)}\n> ${c.errorRatioWarning}`,
        for: c.errorRatioWarningFor,
        severity: 'warning',
        summary: `${who} answers {{ $value | humanizePercentage }} of requests with 5xx.`,
        description: `More than ${pct(c.errorRatioWarning)} of the requests to ${who} failed with a server error over the last ${w}.`,
      },
      {
        alert: 'HighErrorRateCritical',
        expr: `${errorRatio(sel, c)}\n> ${c.errorRatioCritical}`,
        for: c.errorRatioCriticalFor,
        severity: 'critical',
        supersedes: 'HighErrorRate',
        summary: `${who} answers {{ $value | humanizePercentage }} of requests with 5xx.`,
        description: `More than ${pct(c.errorRatioCritical)} of the requests to ${who} failed with a server error over the last ${w}; users are affected.`,
      },
      {
        alert: 'HighLatency',
        expr: `histogram_quantile(0.95, sum by (namespace, service, le) (rate(${c.durationBucket}${sel}[${w}])))\n> ${c.latencyP95Seconds}`,
        for: c.latencyFor,
        severity: 'warning',
        summary: `${who} answers in {{ $value | humanizeDuration }} at the 95th percentile.`,
        description: `The 95th percentile of request durations of ${who} is above ${c.latencyP95Seconds} s.`,
      },
      {
        alert: 'HighAppCPU',
        expr: `rate(${c.cpuSecondsTotal}${sel}[${w}]) > ${c.appCpuCores}`,
        for: c.appCpuFor,
        severity: 'warning',
        summary: `Pod {{ $labels.pod }} of ${who} uses {{ $value | humanizePercentage }} of a CPU.`,
        description: `The process of pod {{ $labels.pod }} has used more than ${pct(c.appCpuCores)} of a CPU for ${promDuration(c.appCpuFor)}.`,
      },
      {
        alert: 'HighMemory',
        expr: `${c.residentMemoryBytes}${sel} > ${c.memoryBytes}`,
        for: c.memoryFor,
        severity: 'warning',
        summary: `Pod {{ $labels.pod }} of ${who} uses {{ $value | humanize1024 }}B of memory.`,
        description: `The resident memory of pod {{ $labels.pod }} is above ${c.memoryBytes / 1024 / 1024} MiB; it may be leaking or near its limit.`,
      },
      {
        alert: 'NoRequests',
        expr: `sum by (namespace, service) (rate(${c.requestsTotal}${sel}[${w}])) == 0`,
        for: c.noRequestsFor,
        severity: 'warning',
        summary: `${who} has served no request for ${promDuration(c.noRequestsFor)}.`,
        description: `${who} is up but receives no traffic: check its Service, Ingress or tunnel route.`,
      },
    ],
  };
}
