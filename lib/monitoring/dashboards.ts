import { promDuration, selector } from './alerts';
import { RULES_CONFIG, RulesConfig } from './rules-config';
import type { ServiceLabels } from './service-alerts';

/** Datasource uids provisioned in Grafana; dashboards refer to them, never to names. */
export const DATASOURCE = { prometheus: 'prometheus', loki: 'loki' } as const;

interface Target { readonly refId: string; readonly expr: string; readonly legendFormat?: string }

/** One panel of the Grafana JSON model. */
export interface Panel {
  readonly id: number;
  readonly type: 'timeseries' | 'stat' | 'logs' | 'row';
  readonly title: string;
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly datasource?: { type: string; uid: string };
  readonly targets?: Target[];
  readonly fieldConfig?: { defaults: { unit?: string }; overrides: unknown[] };
  readonly options?: Record<string, unknown>;
}

/** A dashboard as Grafana's file provisioning loads it. */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly refresh: string;
  readonly time: { from: string; to: string };
  readonly timezone: string;
  readonly panels: Panel[];
}

interface PanelSpec {
  readonly title: string;
  readonly queries: { expr: string; legend?: string }[];
  readonly unit?: string;
  readonly type?: 'timeseries' | 'stat';
  /** Width out of 24. @default 12 */
  readonly width?: number;
}

/** Lays panels out left to right, 8 units high, wrapping at 24 columns. */
function layout(specs: (PanelSpec | { logs: string; title: string })[]): Panel[] {
  let x = 0;
  let y = 0;
  return specs.map((spec, i) => {
    const w = 'logs' in spec ? 24 : spec.width ?? 12;
    if (x + w > 24) { x = 0; y += 8; }
    const gridPos = { x, y, w, h: 8 };
    x += w;
    if ('logs' in spec) {
      return {
        id: i + 1, type: 'logs', title: spec.title, gridPos,
        datasource: { type: 'loki', uid: DATASOURCE.loki },
        targets: [{ refId: 'A', expr: spec.logs }],
        options: { showTime: true, wrapLogMessage: true, sortOrder: 'Descending' },
      };
    }
    return {
      id: i + 1, type: spec.type ?? 'timeseries', title: spec.title, gridPos,
      datasource: { type: 'prometheus', uid: DATASOURCE.prometheus },
      targets: spec.queries.map((q, j) => ({ refId: String.fromCharCode(65 + j), expr: q.expr, ...(q.legend ? { legendFormat: q.legend } : {}) })),
      fieldConfig: { defaults: spec.unit ? { unit: spec.unit } : {}, overrides: [] },
    };
  });
}

function dashboard(uid: string, title: string, tags: string[], panels: Panel[]): GrafanaDashboard {
  return { uid, title, tags, schemaVersion: 39, editable: false, refresh: '30s', time: { from: 'now-6h', to: 'now' }, timezone: 'browser', panels };
}

/**
 * The four golden signals of one HTTP service (latency p50/p95/p99, traffic, errors, saturation),
 * and its logs below them with the same namespace and service labels. The uid derives from the names.
 */
export function goldenSignalsDashboard(labels: ServiceLabels, config: RulesConfig = RULES_CONFIG): GrafanaDashboard {
  const c = config.http;
  const sel = selector({ namespace: labels.namespace, service: labels.service });
  const errors = selector({ namespace: labels.namespace, service: labels.service }, [`${c.statusLabel}=~"5.."`]);
  const w = promDuration(c.rateWindow);
  const quantile = (q: number) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(${c.durationBucket}${sel}[${w}])))`,
    legend: `p${Math.round(q * 100)}`,
  });
  return dashboard(`svc-${labels.namespace}-${labels.service}`.slice(0, 40), `${labels.namespace} / ${labels.service}`, ['service', labels.namespace], layout([
    { title: 'Latency', unit: 's', queries: [quantile(0.5), quantile(0.95), quantile(0.99)] },
    { title: 'Traffic by route', unit: 'reqps', queries: [{ expr: `sum by (${c.routeLabel}) (rate(${c.requestsTotal}${sel}[${w}]))`, legend: `{{${c.routeLabel}}}` }] },
    { title: 'Errors (5xx share)', unit: 'percentunit', queries: [{ expr: `sum(rate(${c.requestsTotal}${errors}[${w}])) / sum(rate(${c.requestsTotal}${sel}[${w}]))`, legend: '5xx' }] },
    {
      title: 'Saturation', unit: 'percentunit', queries: [
        { expr: `rate(${c.cpuSecondsTotal}${sel}[${w}])`, legend: 'CPU {{pod}}' },
      ],
    },
    { title: 'Memory', unit: 'bytes', width: 24, queries: [{ expr: `${c.residentMemoryBytes}${sel}`, legend: '{{pod}}' }] },
    { title: 'Logs', logs: `{namespace="${labels.namespace}", service="${labels.service}"}` },
  ]));
}

/** The platform at a glance: nodes, namespaces, PostgreSQL, Valkey and the alerts firing. */
export function platformOverviewDashboard(config: RulesConfig = RULES_CONFIG): GrafanaDashboard {
  const w = promDuration(config.http.rateWindow);
  return dashboard('platform-overview', 'Platform overview', ['platform'], layout([
    { title: 'Alerts firing', type: 'stat', width: 8, queries: [{ expr: 'sum by (severity) (ALERTS{alertstate="firing"})', legend: '{{severity}}' }] },
    { title: 'Scrape targets down', type: 'stat', width: 8, queries: [{ expr: 'count(up == 0) or vector(0)' }] },
    { title: 'Public URLs up', type: 'stat', width: 8, queries: [{ expr: `probe_success{job="${config.probes.job}"}`, legend: '{{instance}}' }] },
    { title: 'Node CPU busy', unit: 'percentunit', queries: [{ expr: `1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"}[${w}]))`, legend: '{{node}}' }] },
    { title: 'Node memory used', unit: 'percentunit', queries: [{ expr: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', legend: '{{node}}' }] },
    { title: 'Pods running by namespace', queries: [{ expr: 'sum by (namespace) (kube_pod_status_phase{phase="Running"})', legend: '{{namespace}}' }] },
    { title: 'Container restarts (1h) by namespace', queries: [{ expr: 'sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))', legend: '{{namespace}}' }] },
    { title: 'PostgreSQL instances up', queries: [{ expr: 'cnpg_collector_up', legend: '{{namespace}}/{{pod}}' }] },
    { title: 'PostgreSQL connections', queries: [{ expr: 'sum by (namespace, pod) (cnpg_backends_total)', legend: '{{namespace}}/{{pod}}' }] },
    { title: 'Valkey up', queries: [{ expr: 'redis_up', legend: '{{namespace}}/{{pod}}' }] },
    { title: 'Valkey memory of maxmemory', unit: 'percentunit', queries: [{ expr: 'redis_memory_used_bytes / (redis_memory_max_bytes > 0)', legend: '{{namespace}}/{{pod}}' }] },
  ]));
}

/** Every PromQL expression of a dashboard, for checking that each one parses. */
export function promqlOf(d: GrafanaDashboard): string[] {
  return d.panels.filter(p => p.datasource?.type === 'prometheus').flatMap(p => (p.targets ?? []).map(t => t.expr));
}
