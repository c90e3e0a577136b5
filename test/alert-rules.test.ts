import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildPlatform } from '../charts/platform';
import { renderRuleFile, RuleGroup } from '../lib/monitoring/alerts';
import { postgresAlerts, postgresBackupAlerts, postgresDumpAlerts, valkeyAlerts } from '../lib/monitoring/data-alerts';
import { promqlOf, goldenSignalsDashboard, platformOverviewDashboard } from '../lib/monitoring/dashboards';
import { render } from '../lib/synth/render';
import { manifestsOf, REPO_ROOT, tempDir } from './support/platform';
import { runProgram } from './support/programs';

const monitoring = manifestsOf(render(buildPlatform()), 'monitoring');
const ruleFiles = (monitoring.get('ConfigMap/prometheus-rules') as any).data as Record<string, string>;
const dashboards = Object.values((monitoring.get('ConfigMap/grafana-dashboards') as any).data as Record<string, string>).map(s => JSON.parse(s));

// The PostgreSQL and Valkey rules, as a data construct would declare them (no chart gives its
// CloudNativePG cluster an object store, so none declares the backup rules).
const DATA_GROUPS: RuleGroup[] = [
  postgresAlerts({ namespace: 'shop', service: 'pg' }), postgresBackupAlerts({ namespace: 'shop', service: 'pg' }), valkeyAlerts({ namespace: 'shop', service: 'cache' }),
  postgresDumpAlerts({ namespace: 'shop', service: 'pg', cronJob: 'pg-backup' }),
];
const allRuleFiles: Record<string, string> = {
  ...ruleFiles,
  ...Object.fromEntries(DATA_GROUPS.map(g => [`${g.name}.yml`, renderRuleFile(g, 'https://git.example.com/homelab/platform.git', 'main')])),
};

const dir = tempDir('alert-rules-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
for (const [name, content] of Object.entries(allRuleFiles)) fs.writeFileSync(path.join(dir, name), content);

describe('the generated rule files', () => {
  it('hold the eight alerts of seed 002, the blackbox alert of seed 004, PostgreSQL and Valkey, the stack watching itself, one group per declaring construct', () => {
    // Other apps add their own groups; these are the ones today's charts must keep.
    expect(Object.keys(ruleFiles).sort()).toEqual(expect.arrayContaining([
      'alloy-targets.yml', 'blog-valkey-valkey.yml', 'bun-blog-blog-http.yml', 'monitoring-alerting.yml', 'monitoring-targets.yml', 'node-exporter-targets.yml', 'nodes.yml',
      'gpu-memory.yml', 'ollama-ollama-gpu.yml', 'public-endpoints.yml', 'url-shortener-api-http.yml', 'url-shortener-postgres-postgres.yml', 'url-shortener-valkey-valkey.yml',
    ]));
    for (const [file, content] of Object.entries(ruleFiles)) expect(`${parse(content).groups[0].name}.yml`).toBe(file);
    const alerts = Object.values(ruleFiles).flatMap(f => parse(f).groups[0].rules.map((r: any) => r.alert));
    expect([...new Set(alerts)].sort()).toEqual(expect.arrayContaining([
      'AlertmanagerNotificationsFailing', 'GpuMemoryPressure', 'GpuWorkloadRestarting', 'GpuWorkloadSegfault', 'HighAppCPU', 'HighCPUUsage', 'HighErrorRate', 'HighErrorRateCritical', 'HighLatency', 'HighMemory',
      'MonitoringTargetDown', 'NoRequests', 'PostgresConnectionsNearMax', 'PostgresInstanceDown', 'PostgresReplicationLag',
      'PrometheusRuleFailures', 'PublicEndpointDown', 'ServiceDown', 'ValkeyDown', 'ValkeyMemoryNearMax', 'ValkeyNoPrimary',
    ]));
  });

  it('give every alert a severity, summary, description and a runbook section that exists in the repo', () => {
    const runbooks = fs.readFileSync(path.join(REPO_ROOT, 'docs/runbooks/monitoring.md'), 'utf8');
    const anchors = new Set([...runbooks.matchAll(/^## (\S+)$/gm)].map(m => m[1].toLowerCase()));
    for (const file of Object.values(allRuleFiles)) {
      for (const rule of parse(file).groups[0].rules) {
        expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
        expect(rule.annotations.summary, rule.alert).toBeTruthy();
        expect(rule.annotations.description, rule.alert).toBeTruthy();
        expect(rule.annotations.runbook_url).toBe(`https://git.example.com/homelab/platform/blob/main/docs/runbooks/monitoring.md#${rule.alert.toLowerCase()}`);
        expect(anchors, `docs/runbooks/monitoring.md has no "## ${rule.alert}"`).toContain(rule.alert.toLowerCase());
      }
    }
  });

  it('pass promtool check rules', () => {
    const files = Object.keys(allRuleFiles).map(f => path.join(dir, f));
    const result = runProgram('promtool', ['check', 'rules', ...files]);
    expect(result.output).not.toContain('FAILED');
    expect(result.status, result.output).toBe(0);
  });
});

describe('kube-state-metrics\' labels', () => {
  // Prometheus keeps kube-state-metrics' own labels (honor_labels): the object is in `namespace`,
  // `pod` and `container`; an `exported_` label would select nothing.
  it('no alert rule or dashboard of the platform uses an exported_ label', () => {
    const sources: [string, string][] = [
      ...Object.entries(allRuleFiles).map(([file, content]): [string, string] => [`rule file ${file}`, content]),
      ...dashboards.map((d): [string, string] => [`dashboard ${d.uid ?? d.title}`, JSON.stringify(d)]),
    ];
    expect(sources.length).toBeGreaterThan(Object.keys(ruleFiles).length);
    for (const [where, text] of sources) expect(text, where).not.toMatch(/\bexported_/);
  });
});

describe('every PromQL expression of the dashboards', () => {
  it('parses: promtool checks them as recording rules', () => {
    const exprs = [...new Set([...dashboards.flatMap(promqlOf), ...promqlOf(goldenSignalsDashboard({ namespace: 'a', service: 'b' })), ...promqlOf(platformOverviewDashboard())])];
    expect(exprs.length).toBeGreaterThan(10);
    const file = path.join(dir, 'dashboards.recording.yml');
    fs.writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules: exprs.map((expr, i) => ({ record: `dashboard:expr_${i}`, expr })) }] }));
    const result = runProgram('promtool', ['check', 'rules', file]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});

// --- promtool test rules: every alert fires with the right labels, not before its `for`, and stays silent just below its threshold.

const HTTP = 'namespace="bun-blog",service="blog"';
const POD = `${HTTP},pod="blog-1"`;
const PG = 'namespace="shop",service="pg",pod="pg-1"';
const CACHE = 'namespace="shop",service="cache",pod="cache-0"';
// kube-state-metrics' series as Prometheus stores them (honor_labels): the object's namespace, pod
// and container, the target's job, instance and service.
const KSM = 'job="kube-state-metrics",instance="10.42.0.12:8080",service="kube-state-metrics"';
const KSM_CRON = `${KSM},namespace="shop",cronjob="pg-backup"`;
const OLLAMA = 'namespace="ollama",pod="ollama-7c9f8",uid="5f1c2a9e",container="ollama"';
const CARD = 'namespace="node-exporter",pod="node-exporter-x2k4p",node="node-1",card="card0"';
/** A card of the iGPU: 512 bytes of VRAM (500 used) and 10000 of GTT, `gtt` used. */
const drm = (gtt: number): Series[] => [
  { series: `node_drm_memory_vram_used_bytes{${CARD}}`, values: '500x100' },
  { series: `node_drm_memory_vram_size_bytes{${CARD}}`, values: '512x100' },
  { series: `node_drm_memory_gtt_used_bytes{${CARD}}`, values: `${gtt}x100` },
  { series: `node_drm_memory_gtt_size_bytes{${CARD}}`, values: '10000x100' },
];
/** The container restarted once, at 2m30s, its last exit code `code`. */
const restartedWith = (code: number): Series[] => [
  { series: `kube_pod_container_status_restarts_total{${KSM},${OLLAMA}}`, values: '0x10 1x30' },
  { series: `kube_pod_container_status_last_terminated_exitcode{${KSM},${OLLAMA}}`, values: `_x10 ${code}x30` },
];

interface Series { series: string; values: string }
interface AlertCase {
  readonly alert: string;
  readonly file: string;
  /** Step between samples. @default 15s */
  readonly interval?: string;
  readonly firing: Series[];
  /** The same, just below the threshold. */
  readonly below: Series[];
  readonly evalTime: string;
  /** Condition already holds, but not for `for` yet. */
  readonly earlyTime?: string;
  readonly labels: Record<string, string>;
}

const http = 'bun-blog-blog-http.yml';
const requests = (ok: number, errors: number): Series[] => [
  { series: `http_requests_total{${POD},route="/",method="GET",status="200"}`, values: `0+${ok}x100` },
  { series: `http_requests_total{${POD},route="/",method="GET",status="500"}`, values: `0+${errors}x100` },
];
const buckets = (le2: number): Series[] => ['0.5', '1', '2', '5', '+Inf'].map(le => ({
  series: `http_request_duration_seconds_bucket{${POD},route="/",method="GET",le="${le}"}`,
  values: `0+${{ '0.5': 0, '1': 0, '2': le2, '5': 100, '+Inf': 100 }[le]}x100`,
}));
const labelsOf = (s: string) => Object.fromEntries([...s.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]));

const CASES: AlertCase[] = [
  { alert: 'ServiceDown', file: http, firing: [{ series: `up{${POD}}`, values: '0x20' }], below: [{ series: `up{${POD}}`, values: '1x20' }], evalTime: '2m', earlyTime: '45s', labels: { ...labelsOf(POD), severity: 'critical' } },
  { alert: 'HighErrorRate', file: http, firing: requests(949, 51), below: requests(951, 49), evalTime: '10m', earlyTime: '4m', labels: { ...labelsOf(HTTP), severity: 'warning' } },
  { alert: 'HighErrorRateCritical', file: http, firing: requests(749, 251), below: requests(751, 249), evalTime: '5m', earlyTime: '1m30s', labels: { ...labelsOf(HTTP), severity: 'critical' } },
  // p95 interpolated in the (2, 5] bucket is 2.5 s; with 96 of 100 under 2 s it is 1.99 s.
  { alert: 'HighLatency', file: http, firing: buckets(94), below: buckets(96), evalTime: '10m', earlyTime: '4m', labels: { ...labelsOf(HTTP), severity: 'warning' } },
  // 0.81 and 0.79 CPU seconds per second, as 15 s increments.
  { alert: 'HighAppCPU', file: http, firing: [{ series: `process_cpu_seconds_total{${POD}}`, values: '0+12.15x100' }], below: [{ series: `process_cpu_seconds_total{${POD}}`, values: '0+11.85x100' }], evalTime: '8m', earlyTime: '2m30s', labels: { ...labelsOf(POD), severity: 'warning' } },
  { alert: 'HighMemory', file: http, firing: [{ series: `process_resident_memory_bytes{${POD}}`, values: '536870913+0x100' }], below: [{ series: `process_resident_memory_bytes{${POD}}`, values: '536870912+0x100' }], evalTime: '10m', earlyTime: '4m', labels: { ...labelsOf(POD), severity: 'warning' } },
  { alert: 'NoRequests', file: http, firing: requests(0, 0), below: requests(1, 0), evalTime: '10m', earlyTime: '4m', labels: { ...labelsOf(HTTP), severity: 'warning' } },
  // Idle 9 % (1.35 s per 15 s) is 91 % busy; idle 10.1 % is 89.9 % busy.
  { alert: 'HighCPUUsage', file: 'nodes.yml', firing: [{ series: 'node_cpu_seconds_total{node="node-1",cpu="0",mode="idle"}', values: '0+1.35x100' }], below: [{ series: 'node_cpu_seconds_total{node="node-1",cpu="0",mode="idle"}', values: '0+1.515x100' }], evalTime: '10m', earlyTime: '4m', labels: { node: 'node-1', severity: 'warning' } },
  { alert: 'PublicEndpointDown', file: 'public-endpoints.yml', firing: [{ series: 'probe_success{job="blackbox-http",instance="https://blog.sudharsana.dev/"}', values: '0x20' }], below: [{ series: 'probe_success{job="blackbox-http",instance="https://blog.sudharsana.dev/"}', values: '1x20' }], evalTime: '3m', earlyTime: '1m45s', labels: { job: 'blackbox-http', instance: 'https://blog.sudharsana.dev/', severity: 'critical' } },
  {
    alert: 'MonitoringTargetDown', file: 'alloy-targets.yml',
    firing: [{ series: 'up{namespace="alloy",service="alloy",pod="alloy-x2k4p"}', values: '0x40' }], below: [{ series: 'up{namespace="alloy",service="alloy",pod="alloy-x2k4p"}', values: '1x40' }],
    evalTime: '6m', earlyTime: '4m', labels: { namespace: 'alloy', service: 'alloy', pod: 'alloy-x2k4p', severity: 'warning' },
  },
  // One failure in a 5 m window keeps the alert pending; failures going on for 15 m fire it.
  {
    alert: 'PrometheusRuleFailures', file: 'monitoring-alerting.yml',
    firing: [{ series: 'prometheus_rule_evaluation_failures_total{namespace="monitoring",pod="prometheus-0",rule_group="/etc/prometheus/rules/x.yml;x"}', values: '0+1x100' }],
    below: [{ series: 'prometheus_rule_evaluation_failures_total{namespace="monitoring",pod="prometheus-0",rule_group="/etc/prometheus/rules/x.yml;x"}', values: '5+0x100' }],
    evalTime: '20m', earlyTime: '10m', labels: { namespace: 'monitoring', pod: 'prometheus-0', rule_group: '/etc/prometheus/rules/x.yml;x', severity: 'warning' },
  },
  {
    alert: 'AlertmanagerNotificationsFailing', file: 'monitoring-alerting.yml',
    firing: [{ series: 'alertmanager_notifications_failed_total{namespace="monitoring",pod="alertmanager-0",integration="discord",reason="clientError"}', values: '0+1x100' }],
    below: [{ series: 'alertmanager_notifications_failed_total{namespace="monitoring",pod="alertmanager-0",integration="discord",reason="clientError"}', values: '3+0x100' }],
    evalTime: '15m', earlyTime: '8m', labels: { namespace: 'monitoring', pod: 'alertmanager-0', integration: 'discord', severity: 'warning' },
  },
  { alert: 'PostgresInstanceDown', file: 'shop-pg-postgres.yml', firing: [{ series: `cnpg_collector_up{${PG}}`, values: '0x20' }], below: [{ series: `cnpg_collector_up{${PG}}`, values: '1x20' }], evalTime: '2m', earlyTime: '45s', labels: { ...labelsOf(PG), severity: 'critical' } },
  { alert: 'PostgresReplicationLag', file: 'shop-pg-postgres.yml', firing: [{ series: `cnpg_pg_replication_lag{${PG}}`, values: '31x100' }], below: [{ series: `cnpg_pg_replication_lag{${PG}}`, values: '30x100' }], evalTime: '6m', earlyTime: '4m', labels: { ...labelsOf(PG), severity: 'warning' } },
  {
    alert: 'PostgresConnectionsNearMax', file: 'shop-pg-postgres.yml',
    firing: [{ series: `cnpg_backends_total{${PG},datname="app",state="active"}`, values: '81x100' }, { series: `cnpg_pg_settings_setting{${PG},name="max_connections"}`, values: '100x100' }],
    below: [{ series: `cnpg_backends_total{${PG},datname="app",state="active"}`, values: '80x100' }, { series: `cnpg_pg_settings_setting{${PG},name="max_connections"}`, values: '100x100' }],
    evalTime: '6m', earlyTime: '4m', labels: { ...labelsOf(PG), severity: 'warning' },
  },
  // A failed backup newer than the last good one.
  {
    alert: 'PostgresBackupFailing', file: 'shop-pg-backups.yml',
    firing: [{ series: `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${PG}}`, values: '50x20' }, { series: `barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{${PG}}`, values: '100x20' }],
    below: [{ series: `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${PG}}`, values: '100x20' }, { series: `barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp{${PG}}`, values: '100x20' }],
    evalTime: '1m', labels: { namespace: 'shop', service: 'pg', severity: 'warning' },
  },
  // No good backup for 26 h (93600 s): at 27 h (97200 s) a backup from 3599 s is 1 s too old, one from 3601 s is not.
  {
    alert: 'PostgresBackupFailing', file: 'shop-pg-backups.yml', interval: '1h',
    firing: [{ series: `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${PG}}`, values: '3599x30' }],
    below: [{ series: `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{${PG}}`, values: '3601x30' }],
    evalTime: '27h', labels: { namespace: 'shop', service: 'pg', severity: 'warning' },
  },
  // Every attempt since the last good one failed (epochs from pg_stat_archiver), for 10 min.
  {
    alert: 'PostgresWalArchivingFailing', file: 'shop-pg-backups.yml',
    firing: [{ series: `cnpg_pg_stat_archiver_last_archived_time{${PG}}`, values: '100x100' }, { series: `cnpg_pg_stat_archiver_last_failed_time{${PG}}`, values: '160x100' }],
    below: [{ series: `cnpg_pg_stat_archiver_last_archived_time{${PG}}`, values: '160x100' }, { series: `cnpg_pg_stat_archiver_last_failed_time{${PG}}`, values: '160x100' }],
    evalTime: '11m', earlyTime: '9m', labels: { ...labelsOf(PG), severity: 'warning' },
  },
  // No successful dump for 26 h: at 27 h (97200 s) a success at 3599 s is 1 s too old, one at 3601 s is not.
  {
    alert: 'PostgresDumpFailing', file: 'shop-pg-backup-dump.yml', interval: '1h',
    firing: [{ series: `kube_cronjob_status_last_successful_time{${KSM_CRON}}`, values: '3599x30' }, { series: `kube_cronjob_created{${KSM_CRON}}`, values: '0x30' }],
    below: [{ series: `kube_cronjob_status_last_successful_time{${KSM_CRON}}`, values: '3601x30' }, { series: `kube_cronjob_created{${KSM_CRON}}`, values: '0x30' }],
    evalTime: '27h', labels: { namespace: 'shop', cronjob: 'pg-backup', service: 'pg', severity: 'warning' },
  },
  // A CronJob that never succeeded, 26 h after it was created.
  {
    alert: 'PostgresDumpFailing', file: 'shop-pg-backup-dump.yml', interval: '1h',
    firing: [{ series: `kube_cronjob_created{${KSM_CRON}}`, values: '3599x30' }],
    below: [{ series: `kube_cronjob_created{${KSM_CRON}}`, values: '3601x30' }],
    evalTime: '27h', labels: { namespace: 'shop', cronjob: 'pg-backup', service: 'pg', severity: 'warning' },
  },
  { alert: 'ValkeyDown', file: 'shop-cache-valkey.yml', firing: [{ series: `redis_up{${CACHE}}`, values: '0x20' }], below: [{ series: `redis_up{${CACHE}}`, values: '1x20' }], evalTime: '2m', earlyTime: '45s', labels: { ...labelsOf(CACHE), severity: 'critical' } },
  {
    alert: 'ValkeyNoPrimary', file: 'shop-cache-valkey.yml',
    firing: [{ series: `redis_up{${CACHE}}`, values: '1x20' }, { series: `redis_instance_info{${CACHE},role="slave"}`, values: '1x20' }],
    below: [{ series: `redis_up{${CACHE}}`, values: '1x20' }, { series: `redis_instance_info{${CACHE},role="master"}`, values: '1x20' }],
    evalTime: '2m', earlyTime: '45s', labels: { namespace: 'shop', service: 'cache', severity: 'critical' },
  },
  {
    alert: 'ValkeyMemoryNearMax', file: 'shop-cache-valkey.yml',
    firing: [{ series: `redis_memory_used_bytes{${CACHE}}`, values: '91x100' }, { series: `redis_memory_max_bytes{${CACHE}}`, values: '100x100' }],
    below: [{ series: `redis_memory_used_bytes{${CACHE}}`, values: '90x100' }, { series: `redis_memory_max_bytes{${CACHE}}`, values: '100x100' }],
    evalTime: '6m', earlyTime: '4m', labels: { ...labelsOf(CACHE), severity: 'warning' },
  },
  // One restart fires at once (no `for`): before it, nothing; a container that never restarts, nothing.
  {
    alert: 'GpuWorkloadRestarting', file: 'ollama-ollama-gpu.yml',
    firing: restartedWith(1), below: [{ series: `kube_pod_container_status_restarts_total{${KSM},${OLLAMA}}`, values: '0x40' }],
    evalTime: '5m', earlyTime: '2m', labels: { namespace: 'ollama', pod: 'ollama-7c9f8', container: 'ollama', severity: 'warning' },
  },
  // Seed 004's exit 139 pages; a restart with another exit code (1) does not.
  {
    alert: 'GpuWorkloadSegfault', file: 'ollama-ollama-gpu.yml',
    firing: restartedWith(139), below: restartedWith(1),
    evalTime: '5m', earlyTime: '2m', labels: { namespace: 'ollama', pod: 'ollama-7c9f8', container: 'ollama', severity: 'critical' },
  },
  // (500 + 9000) / (512 + 10000) = 90.4 %; with 8900 of GTT, 89.4 %.
  { alert: 'GpuMemoryPressure', file: 'gpu-memory.yml', firing: drm(9000), below: drm(8900), evalTime: '15m', earlyTime: '8m', labels: { node: 'node-1', card: 'card0', severity: 'warning' } },
];

/** A copy of a rule file without annotations: promtool compares annotations too, and these tests are about when and with which labels. The templates are checked by `promtool check rules` above. */
function withoutAnnotations(content: string): string {
  const doc = parse(content);
  for (const rule of doc.groups[0].rules) delete rule.annotations;
  return stringify(doc);
}

describe('promtool test rules', () => {
  it('has a case for every alert the platform and the data rules define', () => {
    const defined = Object.values(allRuleFiles).flatMap(f => parse(f).groups[0].rules.map((r: any) => r.alert));
    expect([...new Set(CASES.map(c => c.alert))].sort()).toEqual([...new Set(defined)].sort());
  });

  for (const c of CASES) {
    it(`${c.alert} fires at ${c.evalTime}${c.earlyTime ? ` but not at ${c.earlyTime}` : ''}, and stays silent just below its threshold`, () => {
      const rules = path.join(dir, `unit-${c.file}`);
      fs.writeFileSync(rules, withoutAnnotations(allRuleFiles[c.file]));
      const test = (series: Series[], alerts: { eval_time: string; exp: Record<string, string>[] }[]) => ({
        interval: c.interval ?? '15s',
        input_series: series,
        alert_rule_test: alerts.map(a => ({ eval_time: a.eval_time, alertname: c.alert, exp_alerts: a.exp.map(exp_labels => ({ exp_labels })) })),
      });
      const file = path.join(dir, `test-${c.alert}-${c.interval ?? '15s'}.yml`);
      fs.writeFileSync(file, stringify({
        rule_files: [rules],
        evaluation_interval: '15s',
        tests: [
          test(c.firing, [{ eval_time: c.evalTime, exp: [c.labels] }, ...(c.earlyTime ? [{ eval_time: c.earlyTime, exp: [] }] : [])]),
          test(c.below, [{ eval_time: c.evalTime, exp: [] }]),
        ],
      }));
      const result = runProgram('promtool', ['test', 'rules', file]);
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('SUCCESS');
    });
  }
});
