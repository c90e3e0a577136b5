import { k8s } from 'cdk8s-plus-30';
import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { Postgres } from '../lib/data/postgres';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { standardLabels } from '../lib/k8s/labels';
import { AppChart } from '../lib/platform/app-chart';
import { Platform } from '../lib/platform/platform';
import { CloudflareTunnel } from '../lib/networking/cloudflare-tunnel';
import { externalSecret } from '../lib/secrets/external-secret';
import { REPORT_FILE, renderAndValidate } from '../lib/synth/synthesize';
import { WebService } from '../lib/web/web-service';
import { PLATFORMS } from './support/platforms';
import { errorOf } from './support/failures';
import { Routes } from '../lib/networking/routes';
import { REPORT_WIDTH } from '../lib/report/architecture';

/** An app with a web service that connects to its database, optionally fenced by a policy. */
function appWithDatabase(options: { cpu?: string; policyPort?: number } = {}): Platform {
  const platform = new Platform({ repoURL: 'https://git.example.com/t.git', capacity: { nodes: 1, cpuPerNode: '2', memoryPerNode: '4Gi' } });
  const chart = new AppChart(platform, 'shop', { category: 'apps' });
  externalSecret(chart, { name: 'shop-db', keys: ['password'], usedBy: "the shop's PostgreSQL user" });
  const db = new Postgres(chart, 'postgres', { database: 'shop', passwordSecret: { name: 'shop-db', key: 'password' }, storageSize: '1Gi' });
  const cpu = options.cpu ?? '100m';
  const web = new WebService(chart, 'web', { image: 'shop:1.0.0', port: 8080, resources: { requests: { cpu, memory: '128Mi' }, limits: { cpu, memory: '256Mi' } } }).connectsTo(db);
  if (options.policyPort !== undefined) {
    new k8s.KubeNetworkPolicy(chart, 'policy', {
      metadata: { name: 'postgres', labels: standardLabels(db.identity) },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': web.name } } }], ports: [{ port: k8s.IntOrString.fromNumber(options.policyPort) }] }],
      },
    });
  }
  new GitOpsChart(platform);
  return platform;
}

const id = (w: { namespace: string; name: string }) => `${w.namespace}__${w.name}`.replace(/[^A-Za-z0-9_]/g, '_');

describe.each(PLATFORMS)('the architecture report of %s', (_, build) => {
  const platform = build();
  const report = renderAndValidate(() => platform).rendering.files.get(REPORT_FILE)!;

  it('draws every app in its category, every tunnel with each hostname it carries, and every declared connection', () => {
    for (const app of platform.apps) expect(report).toContain(`subgraph app_${id({ namespace: app.namespace, name: app.appName })}["${app.appName} · namespace ${app.namespace}`);
    for (const category of platform.categories) expect(report).toContain(`subgraph category_${category.replace(/-/g, '_')}["${category}"]`);
    for (const tunnel of platform.node.findAll().filter((c): c is CloudflareTunnel => c instanceof CloudflareTunnel)) {
      for (const r of tunnel.routes) expect(report).toContain(`internet -->|"${r.hostname} (Cloudflare Tunnel)"|`);
    }
    for (const c of platform.connections) expect(report).toContain(`${id(c.from)} -->|${c.port}| ${id(c.to)}`);
  });

  it('draws internal routes from the internal entry and public ones from the internet', () => {
    for (const route of Routes.declared(platform)) {
      const entry = route.exposure === 'public' ? 'internet' : 'internal';
      expect(report, route.hostname).toMatch(new RegExp(`\\n  ${entry} -->\\|"${route.hostname.replace(/\./g, '\\.')} \\((Ingress|HTTPRoute via [^)]*)\\)"\\|`));
    }
  });

  it('writes no line wider than 160 characters', () => {
    const wide = report.split('\n').filter(line => line.length > REPORT_WIDTH);
    expect(wide).toEqual([]);
  });

  it('gives each resource column one unit: CPU in millicores, memory in GiB', () => {
    const budget = report.slice(report.indexOf('## Resource budget'), report.indexOf('## Network reachability'));
    const rows = budget.split('\n').filter(l => l.startsWith('| `') || l.startsWith('| **'));
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) {
      const cells = row.split('|').map(c => c.trim());
      // app | namespace | CPU requests | CPU limits | memory requests | memory limits
      for (const cpu of [cells[3], cells[4]].filter(Boolean)) expect(cpu, row).toMatch(/^\d+m( \(\d+% requested\))?$/);
      for (const memory of [cells[5], cells[6]].filter(Boolean)) expect(memory, row).toMatch(/^\d+\.\d\d GiB( \(\d+% requested\))?$/);
    }
  });

  it('lists every pair the NetworkPolicies let connect, one line per pair, declared connections among them', () => {
    const start = report.indexOf('### Reachable pairs');
    const pairs = report.slice(start, report.indexOf('\n## ', start)).split('\n').filter(l => l.startsWith('- '));
    expect(pairs).toEqual([...pairs].sort());
    for (const c of platform.connections) {
      if (c.from.namespace === c.to.namespace && c.from.name === c.to.name) continue;
      const line = pairs.find(l => l.startsWith(`- ${c.from.namespace}/${c.from.name} → ${c.to.namespace}/${c.to.name}: `));
      expect(line, `${c.from.name} -> ${c.to.name}`).toBeDefined();
      expect(line!.split(': ')[1].split(', ').map(Number)).toContain(c.port);
    }
  });
});

describe('the architecture report (dist/README.md)', () => {
  const report = renderAndValidate(buildPlatform).rendering.files.get(REPORT_FILE)!;

  it('draws the tunnel as privileged, the Bun blog\'s Ingress, the tunnel\'s route to the blog and the blog\'s database', () => {
    expect(report).toContain('subgraph app_cloudflared__cloudflared["cloudflared · namespace cloudflared · privileged"]');
    expect(report).toContain('internet -->|"blog.sudharsana.dev (Ingress)"| bun_blog__blog');
    expect(report).toContain('cloudflared__cloudflared -->|8080| blog__nginx');
    expect(report).toContain('blog__web -->|5432| blog__postgres');
  });

  it('lists every connection out of the pod network with its port and reason', () => {
    expect(report).toContain('- monitoring/alertmanager → the internet (not the private ranges), port 443: sends notifications to the receivers\' webhooks\n');
    expect(report).toContain('- monitoring/kube-state-metrics → the Kubernetes API server, port 6443: reads the state of every object it reports\n');
  });

  it('sums requests and limits per app against the declared capacity', () => {
    expect(report).toContain('| `dist/apps/bun-blog` | bun-blog | 900m | 4750m | 1.03 GiB | 4.13 GiB |');
    expect(report).toMatch(/\| \*\*capacity\*\* \| \| 16000m \(\d+% requested\) \|/);
  });

  it('fails synthesis when the apps request more than the nodes have, naming the apps that ask for the most and the setting', () => {
    // 6250m of the app's, 70m of external-secrets, which its ExternalSecret needs installed.
    expect(errorOf(() => renderAndValidate(() => appWithDatabase({ cpu: '3' })))).toContain(
      'CPU requests 6320m exceed the capacity of 2000m (1 node of 2 CPU, cpuPerNode, PLATFORM_SETTINGS.capacity (charts/platform.ts)); '
      + 'the most: shop 6250m, external-secrets 70m; lower their requests, replicas or autoscaler maximum, or declare the nodes you have in PLATFORM_SETTINGS.capacity (charts/platform.ts)');
  });

  it('lists each declared connection as allowed when no policy fences it', () => {
    const md = renderAndValidate(() => appWithDatabase()).rendering.files.get(REPORT_FILE)!;
    expect(md).toContain('| shop/web | shop/postgres | 5432 | allowed |');
  });

  it('checks declared connections against the NetworkPolicies, failing when one is blocked', () => {
    const md = renderAndValidate(() => appWithDatabase({ policyPort: 5432 })).rendering.files.get(REPORT_FILE)!;
    expect(md).toContain('1 NetworkPolicies. Each declared connection, checked against them:');
    expect(md).toContain('- shop/web → shop/postgres: 5432');
    expect(() => renderAndValidate(() => appWithDatabase({ policyPort: 6543 }))).toThrow('connection shop/web -> shop/postgres:5432 is declared but blocked by the NetworkPolicies');
  });
});
