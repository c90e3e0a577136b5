import { describe, expect, it } from 'vitest';
import { buildPlatform } from '../charts/platform';
import { GitOpsChart } from '../lib/gitops/gitops-chart';
import { NetworkPolicies, PRIVATE_RANGES, policyEdges } from '../lib/networking/network-policies';
import { SCRAPE_ANNOTATION } from '../lib/monitoring/scrape';
import { AppChart } from '../lib/platform/app-chart';
import { K3S_NETWORK, Platform } from '../lib/platform/platform';
import { Endpoint, firstHost, isAllowed } from '../lib/report/reachability';
import { webhookBackendsOf, workloadsOf } from '../lib/model';
import type { Manifest } from '../lib/model/manifest';
import { render } from '../lib/synth/render';
import { renderAndValidate } from '../lib/synth/synthesize';
import { WebService } from '../lib/web/web-service';
import { PLATFORMS } from './support/platforms';

const NODE_ADDRESS = firstHost(K3S_NETWORK.nodeCidr);
/** Everything outside the app pods that a flow may start or end at. */
const outside: Record<string, Endpoint> = {
  'kube-dns': { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53 }] },
  traefik: { name: 'traefik', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'traefik' }, ports: [{ port: 8000 }] },
  'cnpg-operator': { name: 'cnpg-operator', namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' }, ports: [{ port: 9443 }] },
  // The node itself: the API server (6443) and whatever runs on its host network.
  node: { name: 'node', namespace: '', labels: {}, ports: [{ port: 6443 }], address: NODE_ADDRESS },
  internet: { name: 'internet', namespace: '', labels: {}, ports: [{ port: 80 }, { port: 443 }], address: '1.1.1.1' },
  'lan-host': { name: 'lan-host', namespace: '', labels: {}, ports: [{ port: 443 }], address: '192.168.1.20' },
  'other-pod': { name: 'other-pod', namespace: 'default', labels: { app: 'other' }, ports: [{ port: 8080 }] },
};
const label = (e: Endpoint) => (e.namespace && !Object.values(outside).includes(e) ? `${e.namespace}/${e.name}` : e.name);

/** The policies of a platform, its workloads, and the flows they allow and the ones it declares. */
function policyModel(platform: Platform) {
  const { objects } = renderAndValidate(() => platform).rendering;
  const manifests = objects.map(o => o.manifest);
  const policies = manifests.filter(m => m.kind === 'NetworkPolicy') as Manifest[];
  const workloads = workloadsOf(objects.filter(o => o.file.startsWith('dist/')), 1);
  // Apps that run pods; the edge and secrets apps hold only cluster objects and need no policy.
  const appNamespaces = platform.apps.map(a => a.namespace).filter(ns => workloads.some(w => w.namespace === ns));

  const label = (e: Endpoint) => (e.namespace && !Object.values(outside).includes(e) ? `${e.namespace}/${e.name}` : e.name);
  const ours = workloads.map(w => (w.hostNetwork ? { ...w, address: NODE_ADDRESS } : w));
  // The CloudNativePG operator is outside the platform unless the platform installs it (the system layer).
  const operator = ours.find(w => w.namespace === 'cnpg-system' && w.name === 'cloudnative-pg');
  const others = Object.values(outside).filter(e => !(operator && e === outside['cnpg-operator']));
  const endpoints: Endpoint[] = [...ours, ...others];
  // A host-network pod's traffic carries the node's address: the `node` endpoint speaks for it.
  const sources = endpoints.filter(e => !e.hostNetwork);

  /** Pods the policies govern: app pods on the pod network (host-network pods and other namespaces are outside them). */
  const governed = (e: Endpoint) => !e.hostNetwork && (ours as Endpoint[]).includes(e);

  /**
   * Every (source, destination, port) the generated NetworkPolicies allow with an app pod at one
   * end at least, as `source -> destination:port`.
   */
  function allowedTriples(): string[] {
    const triples = new Set<string>();
    for (const from of sources) {
      for (const to of endpoints.filter(e => governed(from) || governed(e))) {
        for (const { port } of to.ports) if (isAllowed(policies, from, to, port)) triples.add(`${label(from)} -> ${label(to)}:${port}`);
      }
    }
    return [...triples].sort();
  }

  const byName = (namespace: string, name: string) => {
    const w = ours.find(x => x.namespace === namespace && x.name === name);
    if (!w) throw new Error(`no workload ${namespace}/${name}`);
    return w;
  };
  const asSource = (c: { namespace: string; name: string }) => (byName(c.namespace, c.name).hostNetwork ? 'node' : `${c.namespace}/${c.name}`);

  /** The flows the platform declares, derived here independently of the policy generator. */
  function declaredTriples(): string[] {
    const triples = new Set<string>();
    // DNS for every pod of every app namespace.
    for (const w of ours.filter(x => !x.hostNetwork)) triples.add(`${w.namespace}/${w.name} -> kube-dns:53`);
    for (const c of platform.connections) triples.add(`${asSource(c.from)} -> ${c.to.namespace}/${c.to.name}:${c.port}`);
    for (const c of platform.externalConnections) {
      triples.add(`${asSource(c.from)} -> ${c.to === 'internet' ? `internet:${c.port ?? 443}` : 'node:6443'}`);
    }
    // Prometheus scrapes every annotated pod on the annotated port.
    for (const w of ours.filter(x => x.podAnnotations[SCRAPE_ANNOTATION.scrape] === 'true')) {
      triples.add(`monitoring/prometheus -> ${w.namespace}/${w.name}:${w.podAnnotations[SCRAPE_ANNOTATION.port]}`);
    }
    // Traefik reaches what the Ingresses point at; the nodes reach NodePort Services (kube-proxy's SNAT).
    const services = manifests.filter(m => m.kind === 'Service') as any[];
    const containerPorts = (svc: any, w: { ports: { name?: string; port: number }[] }, only?: number) => (svc.spec.ports as any[])
      .filter(p => only === undefined || p.port === only)
      .flatMap(p => (typeof p.targetPort === 'number' ? [p.targetPort] : w.ports.filter(wp => wp.name === (p.targetPort ?? p.name)).map(wp => wp.port)));
    const behind = (namespace: string, name: string) => {
      const svc = services.find(x => x.metadata.namespace === namespace && x.metadata.name === name);
      const selector = Object.entries(svc?.spec.selector ?? {});
      return { svc, workloads: selector.length ? ours.filter(w => w.namespace === namespace && selector.every(([k, v]) => w.labels[k] === v)) : [] };
    };
    for (const ing of manifests.filter(m => m.kind === 'Ingress') as any[]) {
      for (const path of ing.spec.rules.flatMap((r: any) => r.http?.paths ?? [])) {
        const { svc, workloads: ws } = behind(ing.metadata.namespace, path.backend.service.name);
        for (const w of ws) for (const port of containerPorts(svc, w, path.backend.service.port.number)) triples.add(`traefik -> ${w.namespace}/${w.name}:${port}`);
      }
    }
    for (const svc of services.filter(x => x.spec.type === 'NodePort')) {
      for (const w of behind(svc.metadata.namespace, svc.metadata.name).workloads) for (const port of containerPorts(svc, w)) triples.add(`node -> ${w.namespace}/${w.name}:${port}`);
    }
    // CloudNativePG: the operator, replication between instances, the API server.
    const cnpg = operator ? 'cnpg-system/cloudnative-pg' : 'cnpg-operator';
    for (const m of manifests.filter(x => x.apiVersion.startsWith('postgresql.cnpg.io/'))) {
      const at = `${m.metadata.namespace}/${m.metadata.name}`;
      if (m.kind === 'Cluster') [`${cnpg} -> AT:5432`, `${cnpg} -> AT:8000`, 'AT -> AT:5432', 'AT -> node:6443'].forEach(t => triples.add(t.replace(/AT/g, at)));
      if (m.kind === 'Pooler') triples.add(`${at} -> node:6443`);
    }
    // The API server, from its node, calls the admission and conversion webhooks.
    for (const m of manifests) {
      for (const hook of webhookBackendsOf(m)) {
        const { svc, workloads: ws } = behind(hook.namespace, hook.service);
        for (const w of ws) for (const port of containerPorts(svc, w, hook.port)) triples.add(`node -> ${w.namespace}/${w.name}:${port}`);
      }
    }
    return [...triples].sort();
  }
  return { objects, manifests, policies, workloads, appNamespaces, ours, others, endpoints, sources, allowedTriples, byName, declaredTriples };
}

const platform = buildPlatform();
const { policies, appNamespaces, ours, others, sources, allowedTriples, byName } = policyModel(platform);

describe.each(PLATFORMS)('the NetworkPolicies of %s', (_, build) => {
  const model = policyModel(build());

  it('allow exactly the declared edges, DNS, scrapes, the ingress controller, the NodePorts and the operator: nothing more, nothing less', () => {
    expect(model.allowedTriples()).toEqual(model.declaredTriples());
  });

  it('reach every scraped metrics port from Prometheus, host-network node-exporter included', () => {
    const prometheus = model.byName('monitoring', 'prometheus');
    const scraped = model.ours.filter(w => w.podAnnotations[SCRAPE_ANNOTATION.scrape] === 'true');
    expect(scraped.length).toBeGreaterThan(0);
    for (const w of scraped) {
      expect(isAllowed(model.policies, prometheus, w, Number(w.podAnnotations[SCRAPE_ANNOTATION.port])), `${w.namespace}/${w.name}`).toBe(true);
    }
  });
});

describe('NetworkPolicies derived from the declared edges', () => {
  it('allow Traefik to the blog, the Bun blog and the URL shortener, the node to its NodePort, and the CloudNativePG operator to its cluster', () => {
    expect(allowedTriples()).toEqual(expect.arrayContaining([
      'traefik -> blog/nginx:8080', 'traefik -> bun-blog/blog:3000', 'traefik -> url-shortener/api:5000', 'node -> url-shortener/api:5000',
      'cnpg-system/cloudnative-pg -> url-shortener/postgres:5432', 'cnpg-system/cloudnative-pg -> url-shortener/postgres:8000',
      'url-shortener/postgres -> url-shortener/postgres:5432', 'url-shortener/postgres -> node:6443', 'url-shortener/postgres-pooler-rw -> node:6443',
    ]));
  });

  it('let every declared connection through', () => {
    for (const c of platform.connections) {
      const from = byName(c.from.namespace, c.from.name);
      expect(isAllowed(policies, from.hostNetwork ? outside.node : from, byName(c.to.namespace, c.to.name), c.port), `${c.from.name} -> ${c.to.name}:${c.port}`).toBe(true);
    }
  });

  it('deny an edge nobody declared: the blog cannot reach the URL shortener\'s database, its pooler or its cache', () => {
    const blog = byName('blog', 'web');
    expect(isAllowed(policies, blog, byName('url-shortener', 'postgres'), 5432)).toBe(false);
    expect(isAllowed(policies, blog, byName('url-shortener', 'postgres-pooler-rw'), 5432)).toBe(false);
    expect(isAllowed(policies, blog, byName('url-shortener', 'valkey'), 6379)).toBe(false);
    expect(isAllowed(policies, byName('bun-blog', 'blog'), byName('blog', 'postgres'), 5432)).toBe(false);
    // Within one app too: NGINX serves static files and proxies to web, it never talks to the database.
    expect(isAllowed(policies, byName('blog', 'nginx'), byName('blog', 'postgres'), 5432)).toBe(false);
  });

  it('reach every scraped metrics port from Prometheus, host-network node-exporter included', () => {
    const prometheus = byName('monitoring', 'prometheus');
    const scraped = ours.filter(w => w.podAnnotations[SCRAPE_ANNOTATION.scrape] === 'true');
    expect(scraped.map(w => `${w.namespace}/${w.name}`).sort()).toEqual(expect.arrayContaining([
      'alloy/alloy', 'blog/valkey', 'bun-blog/blog', 'monitoring/alertmanager', 'monitoring/blackbox-exporter', 'monitoring/grafana',
      'monitoring/kube-state-metrics', 'monitoring/loki', 'monitoring/prometheus', 'node-exporter/node-exporter',
      'url-shortener/api', 'url-shortener/postgres', 'url-shortener/postgres-pooler-rw', 'url-shortener/valkey',
    ]));
    for (const w of scraped) {
      expect(isAllowed(policies, prometheus, w, Number(w.podAnnotations[SCRAPE_ANNOTATION.port])), `${w.namespace}/${w.name}`).toBe(true);
    }
  });

  it('give the internet (443 only, never the LAN) to the workloads that declare it alone (Alertmanager, the blackbox exporter, ...)', () => {
    const toInternet = sources.filter(s => isAllowed(policies, s, outside.internet, 443)).map(label).sort();
    const declared = platform.externalConnections.filter(c => c.to === 'internet').map(c => `${c.from.namespace}/${c.from.name}`);
    expect(declared).toEqual(expect.arrayContaining(['monitoring/alertmanager', 'monitoring/blackbox-exporter', 'ollama/ollama']));
    // Besides them, only what is outside the app namespaces (no policy of ours applies there).
    expect(toInternet).toEqual([...new Set([...others.map(e => e.name), ...declared])].sort());
    expect(sources.filter(s => s.namespace && appNamespaces.includes(s.namespace) && isAllowed(policies, s, outside.internet, 80))).toEqual([]);
    expect(sources.filter(s => s.namespace && appNamespaces.includes(s.namespace) && isAllowed(policies, s, outside['lan-host'], 443))).toEqual([]);
  });

  it('close every app namespace by default and open DNS to kube-dns on UDP and TCP 53', () => {
    for (const ns of appNamespaces) {
      const deny = policies.find(p => p.metadata.namespace === ns && p.metadata.name === 'default-deny') as any;
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const dns = policies.find(p => p.metadata.namespace === ns && p.metadata.name === 'allow-dns') as any;
      expect(dns.spec).toEqual({
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        }],
      });
    }
  });

  it('let the tunnel, on the host network, in from the node and its flannel gateway only', () => {
    const nginx = policies.find(p => p.metadata.namespace === 'blog' && p.metadata.name === 'nginx') as any;
    expect(nginx.spec.ingress).toContainEqual({
      from: [{ ipBlock: { cidr: '192.168.0.0/24' } }, { ipBlock: { cidr: '10.42.0.0/31' } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });

  it('send the internet rule everywhere but the private ranges', () => {
    const alertmanager = policies.find(p => p.metadata.namespace === 'monitoring' && p.metadata.name === 'alertmanager') as any;
    expect(alertmanager.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  it('open the internet to an app only through connectsToInternet', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/t.git' });
    const chart = new AppChart(p, 'shop', { category: 'apps' });
    const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } };
    new WebService(chart, 'web', { image: 'shop:1.0.0', port: 8080, resources }).connectsToInternet('calls the payment provider');
    new WebService(chart, 'worker', { image: 'shop:1.0.0', port: 8081, resources });
    new NetworkPolicies(p);
    new GitOpsChart(p);
    const rendered = renderAndValidate(() => p).rendering.objects.map(o => o.manifest).filter(m => m.kind === 'NetworkPolicy') as any[];
    expect(rendered.map(m => m.metadata.name).sort()).toEqual(['allow-dns', 'default-deny', 'web']);
    expect(rendered.find(m => m.metadata.name === 'web').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });

  it('let CloudNativePG\'s join and initdb Jobs reach the instances and the API server, and nothing else', () => {
    const join: Endpoint = { name: 'postgres-2-join', namespace: 'url-shortener', labels: { 'cnpg.io/cluster': 'postgres', 'cnpg.io/jobRole': 'join' }, ports: [] };
    expect(isAllowed(policies, join, byName('url-shortener', 'postgres'), 5432)).toBe(true);
    expect(isAllowed(policies, join, outside.node, 6443)).toBe(true);
    expect(isAllowed(policies, join, byName('url-shortener', 'valkey'), 6379)).toBe(false);
    expect(isAllowed(policies, join, outside.internet, 443)).toBe(false);
  });

  it('select CloudNativePG instances by role: the pooler\'s pods carry the cluster label too, but none of the instances\' rules', () => {
    const pooler = byName('url-shortener', 'postgres-pooler-rw');
    expect(pooler.labels).toEqual({ 'cnpg.io/poolerName': 'postgres-pooler-rw', 'cnpg.io/cluster': 'postgres', 'cnpg.io/podRole': 'pooler' });
    expect(isAllowed(policies, outside['cnpg-operator'], pooler, 5432)).toBe(false);
    expect(isAllowed(policies, pooler, byName('url-shortener', 'postgres'), 5432)).toBe(true);
  });

  it('let the ingress controller reach the container port behind a Gateway API HTTPRoute\'s backendRef, as behind an Ingress', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/t.git' });
    const chart = new AppChart(p, 'shop', { category: 'apps' });
    const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } };
    new WebService(chart, 'web', { image: 'shop:1.0.0', port: 8080, resources });
    const rendered = renderAndValidate(() => { new GitOpsChart(p); return p; }).rendering.objects
      .filter(o => o.file.startsWith('dist/')).map(o => ({ file: o.file, manifest: o.manifest }));
    const service = rendered.find(o => o.manifest.kind === 'Service')!.manifest as any;
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { parentRefs: [{ name: 'external', namespace: 'gateways' }], rules: [{ backendRefs: [{ name: 'web', port: service.spec.ports[0].port }] }] },
    };
    const edges = policyEdges(p, [...rendered, { file: 'dist/apps/shop/httproute-web.yaml', manifest: route as Manifest }]);
    expect(edges.map(e => `${e.from.description} -> ${e.to.description}:${e.port}`)).toEqual(['the ingress controller -> shop/web:8080']);
  });

  it('refuse a node range that is not an IPv4 CIDR, naming the setting', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/t.git', network: { ...K3S_NETWORK, nodeCidr: '192.168.0.0' } });
    expect(() => new NetworkPolicies(p)).toThrow('network-policies: network.nodeCidr: "192.168.0.0" is not an IPv4 CIDR such as 10.42.0.0/16');
  });

  it('close the namespace of an app chart created after them', () => {
    const p = new Platform({ repoURL: 'https://git.example.com/t.git' });
    new NetworkPolicies(p);
    new WebService(new AppChart(p, 'late', { category: 'apps' }), 'web', { image: 'registry.example.com/web:1.0.0', port: 8080 });
    const policies = render(p).objects.filter(o => o.manifest.kind === 'NetworkPolicy').map(o => `${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`);
    expect(policies).toContain('late/default-deny');
  });
});
