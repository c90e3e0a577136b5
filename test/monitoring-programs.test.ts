import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildPlatform } from '../charts/platform';
import { renderAlertmanagerConfig } from '../lib/monitoring/alertmanager';
import { SCRAPE_ANNOTATION, scrapeAnnotations } from '../lib/monitoring/scrape';
import { podAnnotationMetaLabel, serviceAnnotationMetaLabel } from '../lib/monitoring/prometheus-config';
import { Routes } from '../lib/networking/routes';
import { render } from '../lib/synth/render';
import { manifestsOf, tempDir } from './support/platform';
import { freePort, poll, runProgram } from './support/programs';

const platform = buildPlatform();
const monitoring = manifestsOf(render(platform), 'monitoring');
const data = (name: string): Record<string, string> => (monitoring.get(`ConfigMap/${name}`) as any).data;
const prometheusYml = data('prometheus-config')['prometheus.yml'];
const ruleFiles = data('prometheus-rules');

const dir = tempDir('monitoring-programs-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};

/**
 * A copy of prometheus.yml that Debian's Prometheus 2.42 can load: it is built without Kubernetes
 * service discovery, so each `kubernetes_sd_configs` block is swapped for a static config whose
 * labels are the `__meta_kubernetes_*` labels discovery would give a pod; the relabelling rules
 * stay exactly as generated. Rule files are read from the test folder.
 */
function prometheusCopy(pods: Record<string, string>[], serviceEndpoints: Record<string, string>[] = [], { scrapeInterval }: { scrapeInterval?: string } = {}): string {
  const config = parse(prometheusYml);
  if (scrapeInterval) config.global.scrape_interval = scrapeInterval;
  const rulesDir = path.join(dir, 'rules');
  fs.mkdirSync(rulesDir, { recursive: true });
  for (const [name, content] of Object.entries(ruleFiles)) fs.writeFileSync(path.join(rulesDir, name), content);
  config.rule_files = [`${rulesDir}/*.yml`];
  const swapped: string[] = [];
  for (const job of config.scrape_configs) {
    if (!job.kubernetes_sd_configs) continue;
    const role = job.kubernetes_sd_configs[0].role;
    delete job.kubernetes_sd_configs;
    const targets = role === 'pod' ? pods : serviceEndpoints;
    // Discovery sets __address__ to the pod IP and a container port; relabelling replaces the port.
    job.static_configs = targets.length ? targets.map(labels => ({ targets: [`${labels.__meta_kubernetes_pod_ip}:1`], labels })) : [];
    swapped.push(role);
  }
  expect(swapped).toEqual(['pod', 'pod', 'endpointslice']);
  return stringify(config);
}

/** The meta labels Kubernetes discovery gives a running pod with `scrapeAnnotations()`. */
function discoveredPod(ip: string, annotations: Record<string, string>, name = 'blog-7d9f-abcde', podLabels: Record<string, string> = { 'app.kubernetes.io/name': 'blog', 'app.kubernetes.io/part-of': 'bun-blog' }, namespace = 'bun-blog'): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(annotations).map(([k, v]) => [podAnnotationMetaLabel(k), v])),
    ...Object.fromEntries(Object.entries(podLabels).map(([k, v]) => [`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`, v])),
    __meta_kubernetes_pod_ip: ip,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_namespace: namespace,
    __meta_kubernetes_pod_name: name,
    __meta_kubernetes_pod_node_name: 'node-1',
  };
}

/** The generated kube-state-metrics pod as discovery finds it: its namespace, labels and annotations, the port annotation moved to `port`. */
const ksmDeployment = monitoring.get('Deployment/kube-state-metrics') as any;
function discoveredKubeStateMetrics(ip: string, port: number): Record<string, string> {
  const template = ksmDeployment.spec.template.metadata;
  expect(template.annotations[SCRAPE_ANNOTATION.scrape]).toBe('true');
  return discoveredPod(ip, { ...template.annotations, [SCRAPE_ANNOTATION.port]: String(port) }, 'kube-state-metrics-5c8d7-x2k4p', template.labels, ksmDeployment.metadata.namespace);
}

/** The meta labels endpointslice discovery gives an endpoint of a Service with `scrapeAnnotations()`. */
function discoveredEndpoint(ip: string, service: string, annotations: Record<string, string>, podAnnotations: Record<string, string> = {}): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(annotations).map(([k, v]) => [serviceAnnotationMetaLabel(k), v])),
    ...Object.fromEntries(Object.entries(podAnnotations).map(([k, v]) => [podAnnotationMetaLabel(k), v])),
    __meta_kubernetes_pod_ip: ip,
    __meta_kubernetes_namespace: 'shop',
    __meta_kubernetes_service_name: service,
    __meta_kubernetes_pod_name: `${service}-1`,
    __meta_kubernetes_pod_node_name: 'node-1',
  };
}

describe('prometheus.yml', () => {
  it('discovers pods, and Services, through the annotations of scrapeAnnotations() and nothing else', () => {
    const jobs = parse(prometheusYml).scrape_configs;
    const pods = jobs.find((j: any) => j.job_name === 'kubernetes-pods');
    expect(pods.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    expect(pods.relabel_configs[0]).toEqual({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' });
    const annotationsRead = (job: any) => new Set(job.relabel_configs.flatMap((r: any) => r.source_labels ?? []).filter((l: string) => l.includes('_annotation_')));
    expect(annotationsRead(pods)).toEqual(new Set(Object.values(SCRAPE_ANNOTATION).map(podAnnotationMetaLabel)));
    const services = jobs.find((j: any) => j.job_name === 'kubernetes-services');
    expect(services.kubernetes_sd_configs).toEqual([{ role: 'endpointslice' }]);
    expect(annotationsRead(services)).toEqual(new Set([...Object.values(SCRAPE_ANNOTATION).map(serviceAnnotationMetaLabel), podAnnotationMetaLabel(SCRAPE_ANNOTATION.scrape)]));
  });

  it('keeps the labels of kube-state-metrics, and of no other target: honor_labels only in its own job', () => {
    const jobs = parse(prometheusYml).scrape_configs;
    expect(jobs.filter((j: any) => 'honor_labels' in j).map((j: any) => [j.job_name, j.honor_labels])).toEqual([['kube-state-metrics', true]]);
    const ksm = jobs.find((j: any) => j.job_name === 'kube-state-metrics');
    expect(ksm.kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
    // Its first rule keeps only the pods of kube-state-metrics' namespace that carry its name.
    expect(ksm.relabel_configs[0]).toEqual({ source_labels: ['__meta_kubernetes_namespace', '__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: `${ksmDeployment.metadata.namespace};kube-state-metrics`, action: 'keep' });
    // The target labels it sets are ones kube-state-metrics' series override, or never carry.
    expect(ksm.relabel_configs.map((r: any) => r.target_label).filter((l?: string) => l && !l.startsWith('__')).sort()).toEqual(['namespace', 'service']);
  });

  it('probes every hostname the charts route, every 30 s, through the blackbox exporter: https when public, http when internal', () => {
    const job = parse(prometheusYml).scrape_configs.find((j: any) => j.job_name === 'blackbox-http');
    expect(job.scrape_interval).toBe('30s');
    const expected = [...new Set(Routes.declared(platform).map(r => `${r.exposure === 'public' ? 'https' : 'http'}://${r.hostname}/`))].sort();
    expect(expected).toContain('http://short.example.com/');
    expect(job.static_configs).toEqual([{ targets: expected }]);
    expect(job.relabel_configs.at(-1)).toEqual({ target_label: '__address__', replacement: 'blackbox-exporter:9115' });
  });

  it('passes promtool check config (on the copy with static configs in place of Kubernetes discovery), rules included', () => {
    const file = write('prometheus-check.yml', prometheusCopy([discoveredPod('10.42.0.7', scrapeAnnotations({ port: 3000 })), discoveredKubeStateMetrics('10.42.0.12', 8080)], [discoveredEndpoint('10.42.0.9', 'pg-rw', scrapeAnnotations({ port: 9187 }))]));
    const result = runProgram('promtool', ['check', 'config', file]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toContain(`SUCCESS: ${Object.keys(ruleFiles).length} rule files found`);
  });

  it('makes the real Prometheus scrape an annotated pod and an annotated Service on their annotated port and path, each once, with the namespace, service and pod labels; and kube-state-metrics with its own labels kept', async () => {
    // The "pods": a loopback HTTP server serving metrics on paths that only the annotations name.
    const ksmPath = ksmDeployment.spec.template.metadata.annotations[SCRAPE_ANNOTATION.path];
    const server = http.createServer((req, res) => {
      const body = {
        '/custom/metrics': 'demo_requests_total 42\n',
        '/svc/metrics': 'demo_service_up 7\n',
        '/both/metrics': 'demo_both 1\n',
        // kube-state-metrics: series that name the object in namespace, pod and container.
        [ksmPath]: 'kube_cronjob_status_last_successful_time{namespace="shop",cronjob="pg-backup"} 1700000000\nkube_pod_container_status_restarts_total{namespace="ollama",pod="ollama-7c9f8",uid="5f1c2a9e",container="ollama"} 3\n',
        // A pod elsewhere that calls itself kube-state-metrics: its labels must not win.
        '/impostor/metrics': 'kube_pod_status_phase{namespace="kube-system",pod="evil",phase="Running"} 1\n',
      }[req.url ?? ''];
      if (body) res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const podPort = (server.address() as AddressInfo).port;
    const promPort = await freePort();
    const config = write('prometheus-run.yml', prometheusCopy(
      [
        discoveredPod('127.0.0.1', scrapeAnnotations({ port: podPort, path: '/custom/metrics' })),
        discoveredKubeStateMetrics('127.0.0.1', podPort),
        discoveredPod('127.0.0.1', scrapeAnnotations({ port: podPort, path: '/impostor/metrics' }), 'impostor-1', { 'app.kubernetes.io/name': 'kube-state-metrics' }),
      ],
      [
        discoveredEndpoint('127.0.0.1', 'operator-managed', scrapeAnnotations({ port: podPort, path: '/svc/metrics' })),
        // Pod and Service both annotated: the pods job has it, the services job must not scrape it again.
        discoveredEndpoint('127.0.0.1', 'both', scrapeAnnotations({ port: podPort, path: '/both/metrics' }), scrapeAnnotations({ port: podPort, path: '/both/metrics' })),
      ],
      // Prometheus spreads each target's first scrape over one interval: 1 s here, not the
      // generated 15 s, which only sets when the targets below are read.
      { scrapeInterval: '1s' },
    ));
    const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
    let prometheus: ChildProcess | undefined;
    try {
      prometheus = spawn('prometheus', [
        `--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`, '--storage.tsdb.retention.time=1h',
      ], { stdio: ['ignore', log, log] });
      const spawnError = new Promise<never>((_, reject) => prometheus!.on('error', e => reject(new Error(`prometheus is not installed (apt-get install prometheus): ${e.message}`))));
      const selector = '{namespace="bun-blog",service="blog",pod="blog-7d9f-abcde",app="bun-blog",node="node-1",job="kubernetes-pods"}';
      const scraped = await Promise.race([spawnError, poll(async () => {
        const up = await query(promPort, `up${selector}`);
        const demo = await query(promPort, `demo_requests_total${selector}`);
        const svc = await query(promPort, 'demo_service_up{namespace="shop",service="operator-managed",pod="operator-managed-1",job="kubernetes-services"}');
        const ksm = await query(promPort, 'kube_pod_container_status_restarts_total');
        const impostor = await query(promPort, 'kube_pod_status_phase');
        return up?.[0]?.value?.[1] === '1' && demo?.[0]?.value?.[1] === '42' && svc?.[0]?.value?.[1] === '7' && ksm?.length && impostor?.length ? { up, demo, ksm, impostor } : undefined;
      }, 50_000, `Prometheus did not scrape the test targets within 50 s; see ${path.join(dir, 'prometheus.log')}`)]);
      expect(scraped.demo[0].metric).toMatchObject({ instance: `127.0.0.1:${podPort}` });
      // kube-state-metrics' namespace, pod and container are the object's, as the alerts and dashboards select them; no exported_ label, no node or app of the exporter.
      expect(scraped.ksm.map(r => r.metric)).toEqual([{
        __name__: 'kube_pod_container_status_restarts_total', namespace: 'ollama', pod: 'ollama-7c9f8', uid: '5f1c2a9e', container: 'ollama',
        job: 'kube-state-metrics', service: 'kube-state-metrics', instance: `127.0.0.1:${podPort}`,
      }]);
      const cron = await query(promPort, 'kube_cronjob_status_last_successful_time{namespace="shop",cronjob="pg-backup"}');
      expect(cron?.map(r => r.metric)).toEqual([{ __name__: 'kube_cronjob_status_last_successful_time', namespace: 'shop', cronjob: 'pg-backup', job: 'kube-state-metrics', service: 'kube-state-metrics', instance: `127.0.0.1:${podPort}` }]);
      // Its `up` carries the target's namespace, which MonitoringTargetDown of the stack selects on.
      const ksmUp = await query(promPort, `up{job="kube-state-metrics",namespace="${ksmDeployment.metadata.namespace}",service="kube-state-metrics"}`);
      expect(ksmUp?.map(r => r.value[1])).toEqual(['1']);
      // Any other pod, even named kube-state-metrics, goes through the generic job: its series' own labels are renamed.
      expect(scraped.impostor.map(r => r.metric)).toEqual([expect.objectContaining({ job: 'kubernetes-pods', namespace: 'bun-blog', pod: 'impostor-1', exported_namespace: 'kube-system', exported_pod: 'evil' })]);
      const targets = ((await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()) as any).data.activeTargets;
      expect(targets.filter((t: any) => t.labels.job !== 'blackbox-http').map((t: any) => `${t.labels.job} ${t.scrapePool} ${t.labels.service}`).sort()).toEqual([
        'kube-state-metrics kube-state-metrics kube-state-metrics',
        'kubernetes-pods kubernetes-pods blog',
        'kubernetes-pods kubernetes-pods kube-state-metrics',
        'kubernetes-services kubernetes-services operator-managed',
      ]);
    } finally {
      prometheus?.kill('SIGTERM');
      if (prometheus && prometheus.exitCode === null) await new Promise(resolve => prometheus!.once('exit', resolve));
      fs.closeSync(log);
      server.close();
    }
  }, 60_000);
});

async function query(port: number, promql: string): Promise<any[] | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
    if (!res.ok) return undefined;
    return ((await res.json()) as any).data.result;
  } catch {
    return undefined;
  }
}

describe('alertmanager.yml', () => {
  const config = data('alertmanager-config')['alertmanager.yml'];

  it('reads every webhook URL from the mounted Secret, never from git', () => {
    const receivers = parse(config).receivers;
    expect(receivers).toEqual([
      { name: 'default', discord_configs: [{ webhook_url_file: '/etc/alertmanager/secrets/discord-webhook-url', send_resolved: true }] },
      { name: 'critical', discord_configs: [{ webhook_url_file: '/etc/alertmanager/secrets/discord-critical-webhook-url', send_resolved: true }] },
    ]);
    expect(config).not.toMatch(/https?:\/\/(?!.*\.svc)/);
  });

  /**
   * amtool 0.25 (Debian 12) predates `webhook_url_file` and `url_file`: this copy swaps just those
   * fields for test URLs; everything else is the generated file.
   */
  const copy = () => write('alertmanager.yml', config
    .replace(/webhook_url_file: \/etc\/alertmanager\/secrets\/(\S+)/g, 'webhook_url: https://discord.example.test/api/webhooks/$1')
    .replace(/url_file: \/etc\/alertmanager\/secrets\/(\S+)/g, 'url: https://hooks.example.test/$1'));

  it('passes amtool check-config', () => {
    const result = runProgram('amtool', ['check-config', copy()]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('routes critical alerts to the critical receiver and every other alert to the default one', () => {
    const file = copy();
    const route = (...labels: string[]) => runProgram('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).stdout.trim();
    expect(route('alertname=ServiceDown', 'severity=critical')).toBe('critical');
    expect(route('alertname=HighLatency', 'severity=warning')).toBe('default');
    expect(route('alertname=Watchdog', 'severity=info')).toBe('default');
    expect(route('alertname=Unlabelled')).toBe('default');
  });

  /** The route `amtool config routes test --tree` says alerts with `labels` take: its matchers and receiver, e.g. `{severity="warning"}  receiver: default`. */
  const matchedRoute = (file: string, ...labels: string[]) => {
    const result = runProgram('amtool', ['config', 'routes', 'test', '--tree', `--config.file=${file}`, ...labels]);
    expect(result.status, result.output).toBe(0);
    // The tree, then a blank line and the receivers.
    const tree = result.stdout.split('Matching routes:')[1].trim().split('\n\n')[0].split('\n');
    return tree[tree.length - 1].replace(/^[\s└├│─.]+/, '').trim();
  };

  it('routes critical alerts to their own route, warnings to the batched one and anything else to the root (amtool --tree)', () => {
    const file = copy();
    expect(matchedRoute(file, 'alertname=ServiceDown', 'severity=critical')).toBe('{severity="critical"}  receiver: critical');
    expect(matchedRoute(file, 'alertname=HighLatency', 'severity=warning')).toBe('{severity="warning"}  receiver: default');
    expect(matchedRoute(file, 'alertname=Watchdog', 'severity=info')).toBe('default-route  receiver: default');
    expect(matchedRoute(file, 'alertname=Unlabelled')).toBe('default-route  receiver: default');
  });

  it('sends critical alerts after 10 s (seed 002) and batches warnings: first summary after 30 min, then hourly (seed 004)', () => {
    const file = copy();
    const timing = (...labels: string[]) => effectiveTiming(parse(config).route, matchedRoute(file, ...labels));
    expect(timing('severity=critical')).toEqual({ group_by: ['alertname', 'namespace', 'service'], group_wait: '10s', group_interval: '5m', repeat_interval: '1h' });
    expect(timing('severity=warning')).toEqual({ group_by: ['severity'], group_wait: '30m', group_interval: '1h', repeat_interval: '1h' });
    expect(timing('severity=info')).toEqual({ group_by: ['alertname', 'namespace', 'service'], group_wait: '10s', group_interval: '5m', repeat_interval: '1h' });
  });

  it('makes the real Alertmanager hold back a warning while the critical of the same alert fires on the same service', async () => {
    // Receivers point at a closed loopback port: nothing leaves the machine.
    const closed = await freePort();
    const file = write('alertmanager-run.yml', config.replace(/webhook_url_file: \/etc\/alertmanager\/secrets\/(\S+)/g, `webhook_url: http://127.0.0.1:${closed}/$1`));
    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'alertmanager.log'), 'w');
    const am = spawn('prometheus-alertmanager', [
      `--config.file=${file}`, `--storage.path=${path.join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
    ], { stdio: ['ignore', log, log] });
    const spawnError = new Promise<never>((_, reject) => am.on('error', e => reject(new Error(`prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager): ${e.message}`))));
    const api = `http://127.0.0.1:${port}/api/v2/alerts`;
    try {
      await Promise.race([spawnError, poll(async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined), 20_000, 'Alertmanager did not become ready')]);
      // The configuration as the real Alertmanager loaded it has the timings of each route.
      const loaded = parse(((await (await fetch(`http://127.0.0.1:${port}/api/v2/status`)).json()) as any).config.original).route;
      expect(effectiveTiming(loaded, '{severity="critical"}  receiver: critical')).toMatchObject({ group_wait: '10s', group_interval: '5m', repeat_interval: '1h' });
      expect(effectiveTiming(loaded, '{severity="warning"}  receiver: default')).toMatchObject({ group_by: ['severity'], group_wait: '30m', group_interval: '1h', repeat_interval: '1h' });
      const alert = (alertname: string, severity: string, service: string) => ({ labels: { alertname, severity, namespace: 'shop', service } });
      const posted = await fetch(api, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify([
          alert('HighErrorRateCritical', 'critical', 'web'), alert('HighErrorRate', 'warning', 'web'),
          alert('HighErrorRate', 'warning', 'api'), alert('ServiceDown', 'critical', 'web'), alert('HighMemory', 'warning', 'web'),
        ]),
      });
      expect(posted.status).toBe(200);
      const states = await poll(async () => {
        const alerts = (await (await fetch(api)).json()) as any[];
        const byKey = Object.fromEntries(alerts.map(a => [`${a.labels.alertname}/${a.labels.service}`, a.status.state]));
        return Object.keys(byKey).length === 5 && byKey['HighErrorRate/web'] === 'suppressed' ? byKey : undefined;
      }, 20_000, 'Alertmanager never suppressed HighErrorRate on web');
      expect(states).toEqual({
        'HighErrorRateCritical/web': 'active',
        'HighErrorRate/web': 'suppressed',
        // Another service, and other alerts of the same service, still notify.
        'HighErrorRate/api': 'active',
        'ServiceDown/web': 'active',
        'HighMemory/web': 'active',
      });
    } finally {
      am.kill('SIGTERM');
      if (am.exitCode === null) await new Promise(resolve => am.once('exit', resolve));
      fs.closeSync(log);
    }
  }, 60_000);
});

/**
 * The grouping and timings a route applies, as Alertmanager resolves them: its own, else its
 * parent's. `matched` is the last line of `amtool config routes test --tree` (matchers and receiver).
 */
function effectiveTiming(root: any, matched: string): Record<string, unknown> {
  const keys = ['group_by', 'group_wait', 'group_interval', 'repeat_interval'] as const;
  const pick = (r: any, base: Record<string, unknown> = {}) => Object.fromEntries(keys.map(k => [k, r[k] ?? base[k]]));
  const top = pick(root);
  if (matched.startsWith('default-route')) return top;
  const child = (root.routes ?? []).find((r: any) => `{${(r.matchers ?? []).join(',')}}  receiver: ${r.receiver}` === matched);
  if (!child) throw new Error(`no child route of the root is "${matched}"`);
  return pick(child, top);
}

describe('seed 004\'s hourly warning summaries in the real Alertmanager (intervals scaled down 600 times)', () => {
  const SCALE = 600;
  /** A Prometheus duration (`1h`, `30m`, `10s`) divided by SCALE, in milliseconds. */
  const scaled = (d: string) => {
    const ms = [...d.matchAll(/(\d+)(ms|s|m|h|d)/g)].reduce((n, [, v, u]) => n + Number(v) * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[u as 'ms'], 0);
    return `${Math.max(1, Math.round(ms / SCALE))}ms`;
  };

  it('sends a critical alert at once while warnings wait, then one summary of every warning, and later ones only an interval after it', async () => {
    const generated = parse(data('alertmanager-config')['alertmanager.yml']);
    // The copy: every route timing divided by SCALE, and the receivers block swapped for webhooks
    // to a loopback server (Discord's API is not on this machine). Routes and inhibitions are as generated.
    const received: { at: number; receiver: string; alerts: string[]; groupLabels: Record<string, string> }[] = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => { body += chunk; });
      req.on('end', () => {
        const payload = JSON.parse(body);
        received.push({ at: Date.now(), receiver: payload.receiver, groupLabels: payload.groupLabels, alerts: payload.alerts.filter((a: any) => a.status === 'firing').map((a: any) => a.labels.alertname).sort() });
        res.end('ok');
      });
    });
    await new Promise<void>(resolve => hook.listen(0, '127.0.0.1', resolve));
    const hookPort = (hook.address() as AddressInfo).port;
    const scaleRoute = (r: any) => {
      for (const k of ['group_wait', 'group_interval', 'repeat_interval']) if (r[k]) r[k] = scaled(r[k]);
      (r.routes ?? []).forEach(scaleRoute);
    };
    scaleRoute(generated.route);
    expect(generated.route.routes[1]).toMatchObject({ matchers: ['severity="warning"'], group_wait: '3000ms', group_interval: '6000ms' });
    generated.receivers = generated.receivers.map((r: any) => ({ name: r.name, webhook_configs: [{ url: `http://127.0.0.1:${hookPort}/${r.name}`, send_resolved: true }] }));
    const file = write('alertmanager-scaled.yml', stringify(generated));

    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'alertmanager-scaled.log'), 'w');
    const am = spawn('prometheus-alertmanager', [
      `--config.file=${file}`, `--storage.path=${path.join(dir, 'am-scaled-data')}`,
      `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
    ], { stdio: ['ignore', log, log] });
    const spawnError = new Promise<never>((_, reject) => am.on('error', e => reject(new Error(`prometheus-alertmanager is not installed (apt-get install prometheus-alertmanager): ${e.message}`))));
    const post = (alerts: [string, string, string][]) => fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(alerts.map(([alertname, severity, namespace]) => ({ labels: { alertname, severity, namespace, service: 'web' } }))),
    });
    const warnings = () => received.filter(n => n.groupLabels.severity === 'warning');
    try {
      await Promise.race([spawnError, poll(async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined), 20_000, 'Alertmanager did not become ready')]);
      const start = Date.now();
      expect((await post([['ServiceDown', 'critical', 'shop'], ['HighLatency', 'warning', 'shop'], ['HighMemory', 'warning', 'blog']])).status).toBe(200);

      // Critical: its group_wait is 10 s / 600, so it arrives long before the warnings' 30 min / 600 = 3 s.
      const critical = await poll(async () => received.find(n => n.receiver === 'critical'), 10_000, 'the critical alert never arrived');
      expect(critical.alerts).toEqual(['ServiceDown']);
      expect(critical.at - start).toBeLessThan(2_000);
      expect(warnings()).toEqual([]);

      // Warnings: held for the group wait, then one summary of both, from two namespaces.
      const first = await poll(async () => warnings()[0], 15_000, 'the warning summary never arrived');
      expect(first.at - start).toBeGreaterThanOrEqual(2_700);
      expect(first).toMatchObject({ receiver: 'default', groupLabels: { severity: 'warning' }, alerts: ['HighLatency', 'HighMemory'] });

      // A new warning joins the summary an hour (6 s) after the last, not when it fires.
      const third = Date.now();
      expect((await post([['HighErrorRate', 'warning', 'shop']])).status).toBe(200);
      const second = await poll(async () => warnings()[1], 15_000, 'the second summary never arrived');
      expect(second.at - first.at).toBeGreaterThanOrEqual(5_500);
      expect(second.at - third).toBeGreaterThan(1_000);
      expect(second.alerts).toEqual(['HighErrorRate', 'HighLatency', 'HighMemory']);
      expect(warnings()).toHaveLength(2);
    } finally {
      am.kill('SIGTERM');
      if (am.exitCode === null) await new Promise(resolve => am.once('exit', resolve));
      fs.closeSync(log);
      await new Promise(resolve => hook.close(resolve));
    }
  }, 60_000);
});

describe('alertmanager.yml with seed 004\'s Gotify (a generic webhook) for warnings', () => {
  it('reads the URL from the Secret with url_file, and passes amtool check-config (url_file swapped for a test URL: amtool 0.25 predates it)', () => {
    const config = renderAlertmanagerConfig({ default: { type: 'webhook', secretKey: 'gotify-url' }, critical: { type: 'discord', secretKey: 'discord-critical-webhook-url' } });
    expect(parse(config).receivers[0]).toEqual({ name: 'default', webhook_configs: [{ url_file: '/etc/alertmanager/secrets/gotify-url', send_resolved: true }] });
    const file = write('alertmanager-gotify.yml', config
      .replace(/webhook_url_file: \/etc\/alertmanager\/secrets\/(\S+)/g, 'webhook_url: https://discord.example.test/api/webhooks/$1')
      .replace(/url_file: \/etc\/alertmanager\/secrets\/(\S+)/g, 'url: https://hooks.example.test/$1'));
    const result = runProgram('amtool', ['check-config', file]);
    expect(result.status, result.output).toBe(0);
    expect(runProgram('amtool', ['config', 'routes', 'test', `--config.file=${file}`, 'severity=warning']).stdout.trim()).toBe('default');
  });
});

describe('blackbox.yml', () => {
  it('passes blackbox_exporter --config.check', () => {
    const file = write('blackbox.yml', data('blackbox-exporter-config')['blackbox.yml']);
    const result = runProgram('prometheus-blackbox-exporter', ['--config.check', `--config.file=${file}`]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('Config file is ok');
  });

  it('makes the real blackbox exporter fail a public URL served without TLS, and pass the 2xx check otherwise', async () => {
    const site = http.createServer((_, res) => res.writeHead(200).end('ok'));
    await new Promise<void>(resolve => site.listen(0, '127.0.0.1', resolve));
    const sitePort = (site.address() as AddressInfo).port;
    const port = await freePort();
    const file = write('blackbox-run.yml', data('blackbox-exporter-config')['blackbox.yml']);
    // The same module without the TLS requirement, to see the rest of it pass against a loopback server.
    const plain = write('blackbox-plain.yml', data('blackbox-exporter-config')['blackbox.yml'].replace('fail_if_not_ssl: true', 'fail_if_not_ssl: false'));
    const probe = async (config: string) => {
      const log = fs.openSync(path.join(dir, 'blackbox.log'), 'a');
      const exporter = spawn('prometheus-blackbox-exporter', [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', log, log] });
      const spawnError = new Promise<never>((_, reject) => exporter.on('error', e => reject(new Error(`prometheus-blackbox-exporter is not installed (apt-get install prometheus-blackbox-exporter): ${e.message}`))));
      try {
        return await Promise.race([spawnError, poll(async () => {
          const res = await fetch(`http://127.0.0.1:${port}/probe?module=http_2xx&target=${encodeURIComponent(`http://127.0.0.1:${sitePort}/`)}`);
          return res.ok ? res.text() : undefined;
        }, 20_000, 'the blackbox exporter did not answer')]);
      } finally {
        exporter.kill('SIGTERM');
        if (exporter.exitCode === null) await new Promise(resolve => exporter.once('exit', resolve));
        fs.closeSync(log);
      }
    };
    try {
      const strict = await probe(file);
      expect(strict).toMatch(/^probe_success 0$/m);
      expect(strict).toMatch(/^probe_http_status_code 200$/m);
      expect(strict).toMatch(/^probe_http_ssl 0$/m);
      expect(await probe(plain)).toMatch(/^probe_success 1$/m);
    } finally {
      site.close();
    }
  }, 60_000);
});
