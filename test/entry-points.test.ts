import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CloudflaredChart } from '../charts/cloudflared';
import { EdgeChart } from '../charts/edge';
import { PLATFORM_SETTINGS, TUNNEL_ID, buildPlatform } from '../charts/platform';
import { Routes } from '../lib/networking/routes';
import { Platform } from '../lib/platform/platform';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { renderAndValidate } from '../lib/synth/synthesize';
import { validateSubjects } from '../lib/validate/validate';
import { WebService } from '../lib/web/web-service';
import { manifestsOf, testChart } from './support/platform';
import { PLATFORMS } from './support/platforms';

const GATEWAY_SETTINGS = { ...PLATFORM_SETTINGS, entryPoints: { ...PLATFORM_SETTINGS.entryPoints, routes: 'gateway-api' as const } };
const ingressPlatform = buildPlatform();
const ingress = renderAndValidate(() => ingressPlatform);
const gateway = renderAndValidate(() => buildPlatform(GATEWAY_SETTINGS));
type Rendered = typeof ingress.rendering;
const all = (rendering: Rendered): Manifest[] => rendering.objects.map(o => o.manifest);
const find = (rendering: Rendered, kind: string, namespace: string | undefined, name: string): any =>
  all(rendering).find(m => m.kind === kind && m.metadata.namespace === namespace && m.metadata.name === name);
const publicHostnames = (platform: Platform) => [...new Set(Routes.declared(platform).filter(r => r.exposure === 'public').map(r => r.hostname))].sort();
const dashed = (hostname: string) => hostname.replace(/\./g, '-');

describe.each(PLATFORMS)('the routes of %s', (_, build) => {
  const ingressOf = build();
  const withIngress = renderAndValidate(() => ingressOf).rendering;
  const gatewayOf = build(GATEWAY_SETTINGS);
  const withGateway = renderAndValidate(() => gatewayOf).rendering;
  const hostnames = publicHostnames(ingressOf);

  it('reach an existing port of an existing Service, for every route declared', () => {
    const routes = Routes.declared(ingressOf);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const service = find(withIngress, 'Service', route.namespace, route.service);
      expect(service, route.hostname).toBeDefined();
      expect(service.spec.ports.map((p: { port: number }) => p.port), route.hostname).toContain(route.port);
    }
  });

  it('get a Certificate for every public hostname and none for internal ones, as Ingresses or behind the external Gateway', () => {
    expect(all(withIngress).filter(m => m.kind === 'Certificate').flatMap(c => (c.spec as any).dnsNames).sort()).toEqual(hostnames);
    const certificates = all(withGateway).filter(m => m.kind === 'Certificate') as any[];
    expect(certificates.map(c => [c.metadata.namespace, c.spec.secretName, c.spec.dnsNames])).toEqual(hostnames.map(h => ['edge', `${dashed(h)}-tls`, [h]]));
  });

  it('attach each HTTPRoute to the external Gateway with DNS records when public, and to the internal one without when internal', () => {
    const routes = all(withGateway).filter(m => m.kind === 'HTTPRoute') as any[];
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      const isPublic = r.spec.hostnames.every((h: string) => hostnames.includes(h));
      expect(r.spec.parentRefs, r.metadata.name).toEqual([{ name: isPublic ? 'envoy-external' : 'envoy-internal', namespace: 'edge' }]);
      expect(r.metadata.annotations?.['external-dns.alpha.kubernetes.io/hostname'], r.metadata.name).toBe(isPublic ? r.spec.hostnames.join(',') : undefined);
      expect(r.metadata.labels['external-dns.alpha.kubernetes.io/enabled'], r.metadata.name).toBe(isPublic ? 'true' : undefined);
    }
  });

  it('give the external Gateway an HTTPS listener per public hostname, and the internal one HTTP only', () => {
    const external = find(withGateway, 'Gateway', 'edge', 'envoy-external');
    expect(external.spec.listeners.map((l: any) => [l.name, l.protocol, l.port, l.hostname, l.tls?.certificateRefs?.[0]?.name])).toEqual([
      ['http', 'HTTP', 80, undefined, undefined],
      ...hostnames.map(h => [`https-${dashed(h)}`, 'HTTPS', 443, h, `${dashed(h)}-tls`]),
    ]);
    expect(find(withGateway, 'Gateway', 'edge', 'envoy-internal').spec.listeners.map((l: any) => l.name)).toEqual(['http']);
  });

  it('give the tunnel exactly the declared public routes as rules, then a 404, however routes render', () => {
    for (const rendering of [withIngress, withGateway]) {
      const config = parse((find(rendering, 'ConfigMap', 'cloudflared', 'cloudflared').data as Record<string, string>)['config.yaml']);
      const declared = Routes.declared(ingressOf).filter(r => r.exposure === 'public');
      expect(config.ingress).toEqual([...declared.map(r => ({ hostname: r.hostname, service: r.url })), { service: 'http_status:404' }]);
    }
  });

  it('refuse public routes without a Let\'s Encrypt email, listing them', () => {
    expect(() => build({ ...PLATFORM_SETTINGS, entryPoints: {} }).derive()).toThrow(
      `edge/edge: entryPoints.acme.email: public routes (${hostnames.join(', ')}) need certificates: set the Let's Encrypt account's email in the platform settings`);
  });
});

/** A platform with one web service on port 8080 in app `demo`, and a route declared by `declare`. */
function demoPlatform(declare: (chart: ReturnType<typeof testChart>) => void): Platform {
  const platform = new Platform({ repoURL: 'https://git.example.com/test/platform.git', entryPoints: { acme: { email: 'ops@example.org' } } });
  const chart = testChart(platform);
  new WebService(chart, 'web', { image: 'registry.example.com/web:1.0.0', port: 8080 });
  declare(chart);
  return platform;
}

describe('routes', () => {
  it('fail synthesis naming the construct path and field when the Service does not exist', () => {
    const platform = demoPlatform(chart => new Routes(chart, 'routes', { hostnames: ['demo.example.org'], backend: { service: 'missing', port: 8080 } }));
    expect(() => render(platform)).toThrow('demo/routes: backend.service: Service demo/missing is not in app demo');
  });

  it('fail synthesis naming the construct path and field when the Service has no such port', () => {
    const platform = demoPlatform(chart => new Routes(chart, 'routes', { hostnames: ['demo.example.org'], backend: { service: 'web', port: 80 } }));
    expect(() => render(platform)).toThrow('demo/routes: backend.port: Service demo/web has no port 80 (it has 8080)');
  });

  it('refuse a hostname and path that another construct already routes', () => {
    expect(() => demoPlatform(chart => {
      new Routes(chart, 'a', { hostnames: ['demo.example.org'], backend: { service: 'web', port: 8080 } });
      new Routes(chart, 'b', { name: 'other', hostnames: ['demo.example.org'], backend: { service: 'web', port: 8080 } });
    })).toThrow('demo/b: hostnames: demo.example.org/ is already routed by demo/a');
  });

  it('reach the tunnel and the edge whatever order the charts are created in', () => {
    const platform = new Platform({ repoURL: 'https://git.example.com/test/platform.git', entryPoints: { acme: { email: 'ops@example.org' } } });
    const web = (app: string) => new WebService(testChart(platform, app), 'web', { image: 'registry.example.com/web:1.0.0', port: 8080, ingress: { hosts: [`${app}.example.org`] } });
    web('early');
    new CloudflaredChart(platform, 'cloudflared', { tunnelId: TUNNEL_ID });
    new EdgeChart(platform);
    web('late');
    const config = (manifestsOf(render(platform), 'cloudflared').get('ConfigMap/cloudflared') as any).data['config.yaml'] as string;
    expect(parse(config).ingress.map((r: { hostname?: string }) => r.hostname)).toEqual(['early.example.org', 'late.example.org', undefined]);
  });

  it('render as Traefik Ingresses by default, with a Certificate and external-dns annotation for public hostnames only', () => {
    expect(all(ingress.rendering).filter(m => m.kind === 'HTTPRoute' || m.kind === 'Gateway')).toEqual([]);
    const bunBlog = find(ingress.rendering, 'Ingress', 'bun-blog', 'blog');
    // Public records point at the Cloudflare tunnel, which serves them.
    expect(bunBlog.metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'blog.sudharsana.dev',
      'external-dns.alpha.kubernetes.io/target': '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com',
    });
    expect(bunBlog.spec.ingressClassName).toBe('traefik');
    expect(bunBlog.spec.tls).toEqual([{ hosts: ['blog.sudharsana.dev'], secretName: 'blog-tls' }]);
    const internal = find(ingress.rendering, 'Ingress', 'url-shortener', 'api');
    expect(internal.metadata.annotations).toBeUndefined();
    expect(internal.spec.tls).toBeUndefined();
  });

  it('render the blog\'s and the URL shortener\'s routes as HTTPRoutes on the external and internal Gateways with the Gateway API setting', () => {
    expect(all(gateway.rendering).filter(m => m.kind === 'Ingress')).toEqual([]);
    const nginx = find(gateway.rendering, 'HTTPRoute', 'blog', 'nginx');
    expect(nginx.spec.hostnames).toEqual(['caiodonalisio.com', 'www.caiodonalisio.com']);
    expect(nginx.metadata.annotations).toEqual({ 'external-dns.alpha.kubernetes.io/hostname': 'caiodonalisio.com,www.caiodonalisio.com', 'external-dns.alpha.kubernetes.io/target': '6ff42ae2-765d-4adf-8112-31c55c1551ef.cfargotunnel.com' });
    const api = find(gateway.rendering, 'HTTPRoute', 'url-shortener', 'api');
    expect(api.spec.parentRefs).toEqual([{ name: 'envoy-internal', namespace: 'edge' }]);
    expect(gateway.rendering.files.get('dist/README.md')).toContain('internal -->|"short.example.com (HTTPRoute via envoy-internal)"| url_shortener__api');
    expect(api.spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'api', port: 5000 }] },
    ]);
  });

  it('give the external Gateway the gateway class and the tunnel as DNS target', () => {
    const external = find(gateway.rendering, 'Gateway', 'edge', 'envoy-external');
    expect(external.spec.gatewayClassName).toBe('envoy');
    expect(external.metadata.annotations).toEqual({ 'external-dns.alpha.kubernetes.io/target': 'external.example.com' });
  });
});

describe('the Cloudflare tunnel', () => {
  it('never carries an internal route', () => {
    for (const { rendering } of [ingress, gateway]) {
      const config = (find(rendering, 'ConfigMap', 'cloudflared', 'cloudflared').data as Record<string, string>)['config.yaml'];
      expect(config).not.toContain('short.example.com');
    }
  });
});

describe('TLS', () => {
  it('issues from a Let\'s Encrypt ClusterIssuer whose email and solvers are settings', () => {
    const issuer = find(ingress.rendering, 'ClusterIssuer', undefined, 'letsencrypt');
    expect(issuer.spec.acme).toEqual({
      email: 'admin@example.com',
      server: 'https://acme-v02.api.letsencrypt.org/directory',
      privateKeySecretRef: { name: 'letsencrypt-account-key' },
      solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'api-token' } } } }],
    });
    const solvers = [{ http01: { ingress: { ingressClassName: 'traefik' } } }];
    const platform = buildPlatform({ ...PLATFORM_SETTINGS, entryPoints: { acme: { email: 'ops@example.org', solvers } } });
    const custom = manifestsOf(renderAndValidate(() => platform).rendering, 'edge').get('ClusterIssuer/letsencrypt') as any;
    expect(custom.spec.acme.email).toBe('ops@example.org');
    expect(custom.spec.acme.solvers).toEqual(solvers);
  });

  it('installs cert-manager from its pinned chart, rendered into dist/system and synced in the system project', () => {
    const app = find(ingress.rendering, 'Application', 'argocd', 'cert-manager');
    expect(app.spec.project).toBe('system');
    expect(app.spec.source.path).toBe('dist/system/cert-manager');
    expect(find(ingress.rendering, 'Deployment', 'cert-manager', 'cert-manager').spec.template.spec.containers[0].image).toBe('quay.io/jetstack/cert-manager-controller:v1.21.1');
  });
});

describe('custom resources', () => {
  it('ExternalSecret, ClusterSecretStore, Certificate, ClusterIssuer, Gateway and HTTPRoute validate against their CRD schemas', () => {
    const kinds = ['ExternalSecret', 'ClusterSecretStore', 'Certificate', 'ClusterIssuer', 'Gateway', 'HTTPRoute'];
    const subjects = [...ingress.rendering.objects, ...gateway.rendering.objects].filter(o => kinds.includes(o.manifest.kind));
    expect([...new Set(subjects.map(s => s.manifest.kind))].sort()).toEqual([...kinds].sort());
    const report = validateSubjects(subjects.map(s => ({ ...s, file: `${s.file}` })));
    expect(report.strictSchemas).toBe(true);
    expect(report.errors.filter(f => f.rule === 'schema' || f.rule === 'unknown-kind')).toEqual([]);
  });

  it('are checked strictly: an unknown field in an HTTPRoute is a schema error', () => {
    const route = gateway.rendering.objects.find(o => o.manifest.kind === 'HTTPRoute')!;
    const broken = { ...route, manifest: { ...route.manifest, spec: { ...(route.manifest.spec as object), backends: [] } } };
    const report = validateSubjects([broken]);
    expect(report.errors.filter(f => f.rule === 'schema').map(f => f.message)).toEqual(['spec: unknown field "backends"']);
  });
});
