import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AlloyChart, MonitoringChart, NodeExporterChart } from '../charts/monitoring';
import { buildPlatform } from '../charts/platform';
import { collectDeclarations, declareAlerts } from '../lib/monitoring/declarations';
import { monitorPostgres, monitorValkey } from '../lib/monitoring/data-alerts';
import { Routes } from '../lib/networking/routes';
import { CloudflareTunnel } from '../lib/networking/cloudflare-tunnel';
import { Platform } from '../lib/platform/platform';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { WebService } from '../lib/web/web-service';
import { emptyPlatform, manifestsOf, testChart } from './support/platform';

const rendering = render(buildPlatform());
const monitoring = manifestsOf(rendering, 'monitoring');
const nodeExporter = manifestsOf(rendering, 'node-exporter');
const alloy = manifestsOf(rendering, 'alloy');
const pod = (m: Manifest | undefined): any => (m as any).spec.template;
const data = (name: string): Record<string, string> => (monitoring.get(`ConfigMap/${name}`) as any).data;

/** A platform with one app that declares a scraped web service with a public hostname, then monitoring. */
function platformWith(declare: (app: Construct) => void, overrides: ConstructorParameters<typeof MonitoringChart>[2] = {}): Platform {
  const platform = emptyPlatform();
  declare(testChart(platform, 'shop'));
  new MonitoringChart(platform, 'monitoring', overrides);
  return platform;
}
const shopWeb = (app: Construct) => new WebService(app, 'web', { image: 'registry.example.com/shop:1.0.0', port: 8080, metrics: { port: 9000 }, ingress: { hosts: ['shop.example.org'] } });

describe('the monitoring namespace', () => {
  it('holds Prometheus, Alertmanager, Grafana, Loki, the blackbox exporter and kube-state-metrics', () => {
    expect([...monitoring.keys()].filter(k => k.startsWith('Deployment/')).sort()).toEqual([
      'Deployment/alertmanager', 'Deployment/blackbox-exporter', 'Deployment/grafana', 'Deployment/kube-state-metrics', 'Deployment/loki', 'Deployment/prometheus',
    ]);
  });

  it('runs every pod under Pod Security "restricted": non-root, no host access, all capabilities dropped', () => {
    for (const [key, m] of monitoring) {
      if (!key.startsWith('Deployment/')) continue;
      const spec = pod(m).spec;
      expect(spec.securityContext.runAsNonRoot, key).toBe(true);
      expect(spec.securityContext.seccompProfile, key).toEqual({ type: 'RuntimeDefault' });
      expect(spec.hostNetwork, key).toBeUndefined();
      expect((spec.volumes ?? []).filter((v: any) => v.hostPath), key).toEqual([]);
      for (const c of spec.containers) {
        expect(c.securityContext, key).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
        expect(c.resources.requests, key).toBeDefined();
        expect(c.readinessProbe, key).toBeDefined();
        expect(c.readinessProbe, key).not.toEqual(c.livenessProbe);
      }
    }
  });

  it('replaces the single pod of each component with Recreate, so no two copies share a volume', () => {
    for (const [key, m] of monitoring) {
      if (key.startsWith('Deployment/')) expect((m as any).spec, key).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    }
  });

  it('mounts a service-account token only into Prometheus and kube-state-metrics, which talk to the API server', () => {
    const mounted = [...monitoring].filter(([k, m]) => k.startsWith('Deployment/') && pod(m).spec.automountServiceAccountToken).map(([k]) => k);
    expect(mounted).toEqual(['Deployment/kube-state-metrics', 'Deployment/prometheus']);
    expect(pod(monitoring.get('Deployment/prometheus')).spec.serviceAccountName).toBe('prometheus');
  });

  it('lets every component be scraped through the one annotation convention', () => {
    for (const [key, m] of monitoring) {
      if (key.startsWith('Deployment/')) expect(pod(m).metadata.annotations['prometheus.io/scrape'], key).toBe('true');
    }
    expect(pod(nodeExporter.get('DaemonSet/node-exporter')).metadata.annotations['prometheus.io/port']).toBe('9100');
    expect(pod(alloy.get('DaemonSet/alloy')).metadata.annotations['prometheus.io/port']).toBe('12345');
  });

  it('writes no Secret: Grafana\'s admin and the webhook URLs come from pre-created Secrets', () => {
    expect([...monitoring.keys()].filter(k => k.startsWith('Secret/'))).toEqual([]);
    const grafana = pod(monitoring.get('Deployment/grafana')).spec.containers[0];
    expect(grafana.env.filter((e: any) => e.name.startsWith('GF_SECURITY_ADMIN'))).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } },
    ]);
    const am = pod(monitoring.get('Deployment/alertmanager')).spec;
    expect(am.volumes).toContainEqual({ name: 'webhooks', secret: { secretName: 'alertmanager-webhooks' } });
    expect(am.containers[0].volumeMounts).toContainEqual({ name: 'webhooks', mountPath: '/etc/alertmanager/secrets', readOnly: true });
  });
});

describe('kube-state-metrics', () => {
  it('probes readiness on /readyz of its telemetry port and liveness on /livez of its metrics port', () => {
    const c = pod(monitoring.get('Deployment/kube-state-metrics')).spec.containers[0];
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/readyz', port: 'telemetry' }, periodSeconds: 10 });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080 }, { name: 'telemetry', containerPort: 8081 }]);
  });

  it('may only list and watch the objects it reports on', () => {
    const rules = (monitoring.get('ClusterRole/monitoring-kube-state-metrics') as any).rules;
    expect(rules.every((r: any) => JSON.stringify(r.verbs) === '["list","watch"]')).toBe(true);
    expect(rules.flatMap((r: any) => r.resources)).not.toContain('secrets');
  });
});

describe('Prometheus', () => {
  it('keeps 15 days (seed 004) capped at 18GB on a 20Gi claim that Argo CD never prunes', () => {
    const args = pod(monitoring.get('Deployment/prometheus')).spec.containers[0].args;
    expect(args).toContain('--storage.tsdb.retention.time=15d');
    expect(args).toContain('--storage.tsdb.retention.size=18GB');
    const claim = monitoring.get('PersistentVolumeClaim/prometheus-data') as any;
    expect(claim.spec.resources.requests.storage).toBe('20Gi');
    expect(claim.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
  });

  it('takes seed 002\'s 7 days and 15 s scrapes as an override', () => {
    const m = manifestsOf(render(platformWith(() => undefined, { prometheus: { retention: Duration.days(7) } })), 'monitoring');
    expect(pod(m.get('Deployment/prometheus')).spec.containers[0].args).toContain('--storage.tsdb.retention.time=7d');
    expect(parse((m.get('ConfigMap/prometheus-config') as any).data['prometheus.yml']).global.scrape_interval).toBe('15s');
  });

  it('may only get, list and watch pods, services, endpoints, endpointslices and nodes', () => {
    expect((monitoring.get('ClusterRole/monitoring-prometheus') as any).rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect((monitoring.get('ClusterRoleBinding/monitoring-prometheus') as any).subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' }]);
  });

  it('rolls when its config or any rule changes', () => {
    const checksum = (p: Platform) => pod(manifestsOf(render(p), 'monitoring').get('Deployment/prometheus')).metadata.annotations['checksum/config'];
    const without = checksum(platformWith(() => undefined));
    const withShop = checksum(platformWith(shopWeb));
    expect(without).toMatch(/^[0-9a-f]{16}$/);
    expect(withShop).not.toBe(without);
  });

  it('is reachable only inside the cluster unless seed 002\'s NodePorts are asked for', () => {
    expect((monitoring.get('Service/prometheus') as any).spec.type).toBeUndefined();
    const m = manifestsOf(render(platformWith(() => undefined, { nodePorts: { enabled: true } })), 'monitoring');
    expect((m.get('Service/prometheus') as any).spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'http', port: 9090, nodePort: 30090 }] });
    expect((m.get('Service/grafana') as any).spec).toMatchObject({ type: 'NodePort', ports: [{ name: 'http', port: 3000, nodePort: 30030 }] });
  });

  it('refuses a retention size without a unit', () => {
    expect(() => render(platformWith(() => undefined, { prometheus: { retentionSize: '18' } }))).toThrow('monitoring/prometheus: retentionSize: "18" must be a whole number with a unit B, KB, MB, GB, TB or PB');
  });
});

describe('declarations: a service gets scraping, alerts, a dashboard and probes by declaring itself', () => {
  it('gives a WebService with metrics the seed 002 alerts scoped to its pods, and a golden-signals dashboard', () => {
    const m = manifestsOf(render(platformWith(shopWeb)), 'monitoring');
    const rules = parse((m.get('ConfigMap/prometheus-rules') as any).data['shop-web-http.yml']).groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['ServiceDown', 'HighErrorRate', 'HighErrorRateCritical', 'HighLatency', 'HighAppCPU', 'HighMemory', 'NoRequests']);
    expect(rules[0]).toMatchObject({ expr: 'up{namespace="shop",service="web"} == 0', for: '1m', labels: { severity: 'critical' } });
    const dashboard = JSON.parse((m.get('ConfigMap/grafana-dashboards') as any).data['svc-shop-web.json']);
    expect(dashboard.panels.map((p: any) => p.title)).toEqual(['Latency', 'Traffic by route', 'Errors (5xx share)', 'Saturation', 'Memory', 'Logs']);
    expect(dashboard.panels[0].targets.map((t: any) => t.legendFormat)).toEqual(['p50', 'p95', 'p99']);
    expect(dashboard.panels[5].targets[0].expr).toBe('{namespace="shop", service="web"}');
  });

  it('probes the hostname of every declared route once: public ones over https, internal ones over http', () => {
    const platform = platformWith(app => {
      shopWeb(app);
      new Routes(app, 'www', { name: 'www', hostnames: ['www.example.org'], backend: { service: 'web', port: 8080 } });
      new Routes(app, 'lan', { name: 'lan', hostnames: ['shop.lan.example.org'], exposure: 'internal', backend: { service: 'web', port: 8080 } });
      // The tunnel serves routes declared elsewhere: it adds no probe of its own.
      new CloudflareTunnel(app, 'tunnel', {
        tunnelId: '6ff42ae2-765d-4adf-8112-31c55c1551ef',
        routes: [{ hostname: 'shop.example.org', service: 'http://web:8080' }, { hostname: 'tunnel-only.example.org', service: 'http://web:8080' }],
      });
    });
    expect(collectDeclarations(platform).probeUrls).toEqual(['http://shop.lan.example.org/', 'https://shop.example.org/', 'https://www.example.org/']);
  });

  it('lets the data constructs declare PostgreSQL and Valkey alerts with one call each', () => {
    const platform = platformWith(app => {
      monitorPostgres(new Construct(app, 'db'), { namespace: 'shop', service: 'pg' });
      monitorValkey(new Construct(app, 'cache'), { namespace: 'shop', service: 'cache' });
    });
    const files = Object.keys((manifestsOf(render(platform), 'monitoring').get('ConfigMap/prometheus-rules') as any).data);
    expect(files).toEqual(['monitoring-alerting.yml', 'monitoring-targets.yml', 'public-endpoints.yml', 'shop-cache-valkey.yml', 'shop-pg-postgres.yml']);
  });

  it('loads the alerts, dashboards and probes of a chart created after the monitoring chart', () => {
    const platform = emptyPlatform();
    new MonitoringChart(platform);
    shopWeb(testChart(platform, 'shop'));
    const m = manifestsOf(render(platform), 'monitoring');
    expect(Object.keys((m.get('ConfigMap/prometheus-rules') as any).data)).toContain('shop-web-http.yml');
    expect((m.get('ConfigMap/prometheus-config') as any).data['prometheus.yml']).toContain('https://shop.example.org/');
  });

  it('renders every declared rule from the monitoring chart\'s one rules config, so one override reaches them all', () => {
    const m = manifestsOf(render(platformWith(shopWeb, { rules: { http: { errorRatioWarning: 0.1 }, probes: { interval: Duration.minutes(1) } } })), 'monitoring');
    const rules = parse((m.get('ConfigMap/prometheus-rules') as any).data['shop-web-http.yml']).groups[0].rules;
    expect(rules.find((r: any) => r.alert === 'HighErrorRate').expr).toMatch(/\n> 0\.1$/);
    expect(rules.find((r: any) => r.alert === 'HighErrorRateCritical').expr).toMatch(/\n> 0\.25$/);
    const probes = parse((m.get('ConfigMap/prometheus-config') as any).data['prometheus.yml']).scrape_configs.find((j: any) => j.job_name === 'blackbox-http');
    expect(probes.scrape_interval).toBe('1m');
  });

  it('refuses a rule that breaks the naming guide where it is declared', () => {
    const platform = emptyPlatform();
    const app = testChart(platform, 'shop');
    expect(() => declareAlerts(new Construct(app, 'odd'), { name: 'odd', rules: [{ alert: 'too_snaky', expr: 'up == 0', severity: 'warning', summary: 's', description: 'd' }] }))
      .toThrow('shop/odd: rule group odd: alert too_snaky: name must be CamelCase');
  });

  it('refuses two rule groups under one name', () => {
    const platform = emptyPlatform();
    const app = testChart(platform, 'shop');
    monitorPostgres(new Construct(app, 'a'), { namespace: 'shop', service: 'pg' });
    monitorPostgres(new Construct(app, 'b'), { namespace: 'shop', service: 'pg' });
    new MonitoringChart(platform);
    expect(() => render(platform)).toThrow('shop/b: rule group shop-pg-postgres is declared twice');
  });
});

describe('Grafana', () => {
  it('provisions Prometheus and Loki by uid, with a correlation from a pod\'s metrics to its logs', () => {
    const ds = parse(data('grafana-provisioning')['datasources.yaml']).datasources;
    expect(ds.map((d: any) => [d.uid, d.type, d.url])).toEqual([['prometheus', 'prometheus', 'http://prometheus:9090'], ['loki', 'loki', 'http://loki:3100']]);
    expect(ds[0].correlations[0]).toMatchObject({ targetUID: 'loki', config: { type: 'query', field: 'pod', target: { expr: '{namespace="${namespace}", pod="${pod}"}' } } });
  });

  it('loads a platform overview and one dashboard per scraped service, named after it', () => {
    expect(Object.keys(data('grafana-dashboards')).sort()).toEqual(['platform-overview.json', 'svc-bun-blog-blog.json', 'svc-url-shortener-api.json']);
    const overview = JSON.parse(data('grafana-dashboards')['platform-overview.json']);
    expect(overview.panels.map((p: any) => p.title)).toEqual([
      'Alerts firing', 'Scrape targets down', 'Public URLs up', 'Node CPU busy', 'Node memory used', 'Pods running by namespace',
      'Container restarts (1h) by namespace', 'PostgreSQL instances up', 'PostgreSQL connections', 'Valkey up', 'Valkey memory of maxmemory',
    ]);
  });
});

describe('dashboards', () => {
  it('lay out panels with unique ids inside 24 columns, on provisioned datasources only', () => {
    for (const json of Object.values(data('grafana-dashboards'))) {
      const d = JSON.parse(json);
      expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      expect(new Set(d.panels.map((p: any) => p.id)).size).toBe(d.panels.length);
      for (const p of d.panels) {
        expect(p.gridPos.x + p.gridPos.w, `${d.uid}: ${p.title}`).toBeLessThanOrEqual(24);
        expect(['prometheus', 'loki']).toContain(p.datasource.uid);
      }
    }
  });
});

describe('logs', () => {
  it('runs Loki monolithic on a 20Gi claim (seed 004), filesystem storage, retention by the compactor', () => {
    const config = parse(data('loki-config')['loki.yaml']);
    expect(config.limits_config.retention_period).toBe('336h');
    expect(config.compactor).toMatchObject({ retention_enabled: true, delete_request_store: 'filesystem' });
    expect(config.schema_config.configs[0]).toMatchObject({ store: 'tsdb', object_store: 'filesystem', schema: 'v13' });
    expect((monitoring.get('PersistentVolumeClaim/loki-data') as any).spec.resources.requests.storage).toBe('20Gi');
  });

  it('ships pod logs with Alloy: CRI format, JSON fields, the same labels as Prometheus, to Loki in the monitoring namespace', () => {
    const config = (alloy.get('ConfigMap/alloy-config') as any).data['config.alloy'] as string;
    expect(config).toContain('stage.cri {}');
    expect(config).toContain('stage.json {');
    expect(config).toContain('url = "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push"');
    for (const label of ['namespace', 'pod', 'container', 'app', 'service']) expect(config).toContain(`target_label  = "${label}"`);
  });

  it('wires Alloy\'s components: every reference names a component the config declares', () => {
    const config = (alloy.get('ConfigMap/alloy-config') as any).data['config.alloy'] as string;
    const declared = new Set([...config.matchAll(/^([a-z_.]+) "([a-z_]+)" \{$/gm)].map(m => `${m[1]}.${m[2]}`));
    expect([...declared].sort()).toEqual(['discovery.kubernetes.pods', 'discovery.relabel.pod_logs', 'local.file_match.pod_logs', 'loki.process.pod_logs', 'loki.source.file.pod_logs', 'loki.write.default']);
    const references = [...config.matchAll(/= \[?((?:discovery|local|loki)\.[a-z_.]+)\.(?:targets|output|receiver)\b/g)].map(m => m[1]);
    expect(references.length).toBe(5);
    for (const ref of references) expect(declared, ref).toContain(ref);
    expect(config.split('{').length).toBe(config.split('}').length);
  });

  it('ships only the namespaces asked for, like seed 002\'s url-shortener filter', () => {
    const platform = emptyPlatform();
    new AlloyChart(platform, 'alloy', { loki: new MonitoringChart(platform, 'logs').loki, namespaces: ['url-shortener'] });
    const config = (manifestsOf(render(platform), 'alloy').get('ConfigMap/alloy-config') as any).data['config.alloy'] as string;
    expect(config).toContain('  namespaces {\n    names = ["url-shortener"]\n  }');
    // It pushes to the Loki it was given, in that chart's namespace.
    expect(config).toContain('url = "http://loki.logs.svc.cluster.local:3100/loki/api/v1/push"');
  });

  it('keeps everything Loki writes on its claim, so its root filesystem stays read-only', () => {
    const config = parse(data('loki-config')['loki.yaml']);
    const paths = JSON.stringify(config).match(/"\/[^"]*"/g)!.map(p => JSON.parse(p));
    expect(paths.length).toBeGreaterThan(3);
    for (const p of paths) expect(p.startsWith('/loki')).toBe(true);
    const mounts = pod(monitoring.get('Deployment/loki')).spec.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'data', mountPath: '/loki' });
  });

  it('lets Alloy read /var/log/pods read-only as root, with no capabilities, and says why', () => {
    const ds = alloy.get('DaemonSet/alloy') as any;
    const spec = pod(ds).spec;
    expect(spec.volumes).toContainEqual({ name: 'pod-logs', hostPath: { path: '/var/log/pods', type: 'Directory' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'pod-logs', mountPath: '/var/log/pods', readOnly: true });
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(Object.keys(ds.metadata.annotations).sort()).toEqual(['platform.homelab/exempt.pod-security.host-path', 'platform.homelab/exempt.pod-security.run-as-non-root']);
    expect((alloy.get('ClusterRole/alloy') as any).rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
  });
});

describe('node-exporter', () => {
  it('runs on every node with the host network and read-only host folders, as nobody, each exemption with its reason', () => {
    const ds = nodeExporter.get('DaemonSet/node-exporter') as any;
    const spec = pod(ds).spec;
    expect(spec.hostNetwork).toBe(true);
    expect(spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(spec.containers[0].volumeMounts.every((m: any) => m.readOnly)).toBe(true);
    expect(Object.keys(ds.metadata.annotations).sort()).toEqual([
      'platform.homelab/exempt.pod-security.host-namespaces', 'platform.homelab/exempt.pod-security.host-path', 'platform.homelab/exempt.pod-security.host-ports',
    ]);
  });

  it('lives in its own privileged namespace, so the monitoring namespace stays restricted', () => {
    const platform = emptyPlatform();
    const monitoring = new MonitoringChart(platform);
    expect(new NodeExporterChart(platform).podSecurity.level).toBe('privileged');
    expect(new AlloyChart(platform, 'alloy', { loki: monitoring.loki }).podSecurity.level).toBe('privileged');
    expect(monitoring.podSecurity.level).toBe('restricted');
  });
});
