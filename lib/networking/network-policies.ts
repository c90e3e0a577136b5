import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail } from '../errors';
import { standardLabels } from '../k8s/labels';
import { SCRAPE_ANNOTATION } from '../monitoring/scrape';
import { CNPG_NAMESPACE } from '../operators/cloudnative-pg';
import { AppChart } from '../platform/app-chart';
import { ClusterNetwork, Platform } from '../platform/platform';
import { backendsOf, CNPG_CLUSTER_LABEL, CNPG_JOB_ROLE_LABEL, PlatformModel, Workload } from '../model';
import { appsModel } from '../platform/apps-model';
import type { Manifest } from '../model/manifest';
import { argoRenderedCharts } from '../upstream/registry';
import { operatorsOf } from '../operators/require-operator';

/**
 * NetworkPolicies derived from what the constructs declare, never written by hand. Every app
 * namespace gets `default-deny` (all ingress and egress) and `allow-dns` (kube-dns, UDP and TCP
 * 53); each workload then gets one policy named after it with exactly its edges: egress on the
 * source's side, ingress on the destination's side, with ports. The edges:
 *
 * - declared connections (`web.connectsTo(database)`, the tunnel's routes, pooler -> server,
 *   Valkey replication and Sentinels, the monitoring stack's own edges);
 * - declared external connections: the internet on 443 (or the port declared), the API server;
 * - Prometheus -> every pod its scrape annotations (or its Service's) name, on that port;
 * - the ingress controller -> every pod behind an Ingress backend or HTTPRoute backendRef, on the container port;
 * - the nodes -> pods behind a NodePort Service and pods a host-network pod connects to;
 * - the API server (from its node) -> pods behind the Service of an admission or conversion webhook;
 * - the CloudNativePG operator's namespace -> instances (status 8000, PostgreSQL 5432), instances
 *   -> each other (replication, join Jobs), instances and poolers -> the API server.
 *
 * Host-network pods (cloudflared, node-exporter) are outside NetworkPolicies: the policies their
 * namespace carries select them but do not apply. Their traffic arrives from the node, so the
 * destinations allow the node addresses instead of a pod selector (see `nodeSources`): traffic
 * to and from a pod's own node is always allowed, so these rules matter for the other nodes. The
 * kubelet's probes need no rule for the same reason.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */

/** One end of an edge as a policy names it. */
export interface Peer {
  /** What it is, for reviewers and test messages. */
  readonly description: string;
  /** Pods selected by labels in a namespace. */
  readonly pods?: { readonly namespace: string; readonly labels: Record<string, string> };
  /** A whole namespace. */
  readonly namespace?: string;
  /** Addresses outside the pod network. */
  readonly ipBlocks?: { readonly cidr: string; readonly except?: string[] }[];
}

/** An allowed flow, before it is split into an egress and an ingress rule. */
export interface PolicyEdge {
  readonly from: Peer;
  readonly to: Peer;
  /** The workloads at either end, when they are ours: they get the rules. */
  readonly source?: Workload;
  readonly destination?: Workload;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

/** Private ranges (RFC 1918) the internet rule leaves out: the LAN, pods and Services are not "the internet". */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
export const INTERNET_PORT = 443;

/**
 * Where traffic from a node (a host-network pod, a NodePort after kube-proxy's SNAT) comes from:
 * the node's LAN address, or on K3s's flannel the node's own addresses in the pod network, its
 * `flannel.1` (10.42.N.0) and `cni0` (10.42.N.1) gateways, which are the 10.42.N.0/31 of node N
 * (K3s gives each node a /24 of the pod CIDR, numbered from 0; a node's number depends on the order
 * it joined in, so all `nodes` are listed).
 */
export function nodeSources(network: ClusterNetwork, nodes: number): { cidr: string }[] {
  const [a, b] = network.podCidr.split('/')[0].split('.');
  return [{ cidr: network.nodeCidr }, ...Array.from({ length: nodes }, (_, n) => ({ cidr: `${a}.${b}.${n}.0/31` }))];
}

/** The label Kubernetes sets on every namespace, which namespace selectors here use. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A workload as a peer: its pods, or for a host-network workload its node (as a source, its gateways too). */
function workloadPeer(w: Workload, network: ClusterNetwork, nodes: number, as: 'source' | 'destination'): Peer {
  if (!w.hostNetwork) return { description: `${w.namespace}/${w.name}`, pods: { namespace: w.namespace, labels: w.selector } };
  return { description: `${w.namespace}/${w.name} (host network)`, ipBlocks: as === 'source' ? nodeSources(network, nodes) : [{ cidr: network.nodeCidr }] };
}

/** The Services (and their ports, by name or number) that Ingresses and HTTPRoutes send traffic to. */
export function routeBackends(manifests: Manifest[]): { namespace: string; service: string; port?: string | number }[] {
  return manifests.flatMap(backendsOf).map(b => ({ namespace: b.namespace, service: b.service, port: b.port }));
}

/** Every allowed flow of the platform besides DNS, from its rendered objects (or their model) and its declarations. */
export function policyEdges(platform: Platform, rendered: PlatformModel | { file: string; manifest: Manifest }[]): PolicyEdge[] {
  const network = platform.network;
  const nodes = platform.capacity?.nodes ?? 1;
  const model = rendered instanceof PlatformModel ? rendered : new PlatformModel(rendered, nodes);
  const workloads = model.workloads;
  const ours = new Set(platform.apps.map(a => a.namespace));
  const find = (c: { namespace: string; name: string }) => model.workload(c);
  const src = (w: Workload) => workloadPeer(w, network, nodes, 'source');
  const dst = (w: Workload) => workloadPeer(w, network, nodes, 'destination');
  const edges: PolicyEdge[] = [];
  const add = (from: Peer, to: Peer, source: Workload | undefined, destination: Workload | undefined, port: number, protocol: 'TCP' | 'UDP' = 'TCP') =>
    edges.push({ from, to, source: source && ours.has(source.namespace) ? source : undefined, destination: destination && ours.has(destination.namespace) ? destination : undefined, port, protocol });

  const internet: Peer = { description: 'the internet', ipBlocks: [{ cidr: '0.0.0.0/0', except: PRIVATE_RANGES }] };
  // kube-router (K3s) filters after kube-proxy's DNAT: kubernetes.default.svc:443 arrives as <node>:6443.
  const apiServer: Peer = { description: 'the Kubernetes API server', ipBlocks: [{ cidr: network.nodeCidr }] };
  const fromNodes: Peer = { description: 'the nodes', ipBlocks: nodeSources(network, nodes) };
  const apiServerCaller: Peer = { description: 'the Kubernetes API server (webhook calls)', ipBlocks: nodeSources(network, nodes) };

  for (const c of platform.connections) {
    const from = find(c.from);
    const to = find(c.to);
    if (from && to) add(src(from), dst(to), from, to, c.port);
  }
  for (const c of platform.externalConnections) {
    const from = find(c.from);
    if (!from) continue;
    if (c.to === 'internet') add(src(from), internet, from, undefined, c.port ?? INTERNET_PORT);
    else add(src(from), apiServer, from, undefined, network.apiServerPort);
  }

  // Prometheus -> each scraped pod, on the port its annotations (or its Service's) name.
  const prometheuses = platform.declarations.scrapers.items
    .map(p => find({ namespace: p.namespace, name: p.identity.name })).filter((w): w is Workload => Boolean(w));
  const scraped = new Map<Workload, number>();
  for (const w of workloads) {
    if (w.podAnnotations[SCRAPE_ANNOTATION.scrape] === 'true') scraped.set(w, Number(w.podAnnotations[SCRAPE_ANNOTATION.port]));
  }
  for (const svc of model.services) {
    const annotations = svc.metadata.annotations ?? {};
    if (annotations[SCRAPE_ANNOTATION.scrape] !== 'true') continue;
    for (const w of model.behind(svc)) {
      if (!scraped.has(w)) scraped.set(w, Number(annotations[SCRAPE_ANNOTATION.port]));
    }
  }
  for (const prometheus of prometheuses) {
    for (const [w, port] of scraped) add(src(prometheus), dst(w), prometheus, w, port);
  }

  /** `from` -> the pods behind a Service port, on the container port it sends to. */
  const toService = (from: Peer, backend: { namespace: string; service: string; port?: string | number }) => {
    const svc = model.service(backend.namespace, backend.service);
    for (const w of svc ? model.behind(svc) : []) {
      const port = model.targetPort(svc!, backend.port, w);
      if (port !== undefined) add(from, dst(w), undefined, w, port);
    }
  };
  // The ingress controller -> the pods behind every Ingress backend and Gateway API HTTPRoute backendRef.
  const ingressController: Peer = { description: 'the ingress controller', pods: { namespace: network.ingressController.namespace, labels: network.ingressController.podLabels } };
  for (const backend of model.routeBackends) toService(ingressController, backend);
  // The API server calls admission and conversion webhooks from its node (K3s runs it on the host network).
  for (const webhook of model.webhookBackends) toService(apiServerCaller, webhook);
  // A NodePort reaches the pods from the node kube-proxy received it on (SNAT, externalTrafficPolicy Cluster).
  for (const svc of model.services.filter(s => s.spec?.type === 'NodePort')) {
    for (const w of model.behind(svc)) {
      for (const p of svc.spec?.ports ?? []) {
        const port = model.targetPort(svc, p.name ?? p.port, w);
        if (port !== undefined) add(fromNodes, dst(w), undefined, w, port);
      }
    }
  }

  // CloudNativePG: the operator's namespace -> instances; instances replicate from each other (and
  // join Jobs, which carry the cluster label, copy from the primary); instances and poolers read
  // their Cluster, Pooler and Secrets from the API server.
  // The operator's pods, when the platform renders them (an app of the system layer); else its namespace.
  const operatorNs = operatorsOf(platform).find(o => o.namespace === CNPG_NAMESPACE && o.name === 'cloudnative-pg')?.namespace;
  const operatorPods = operatorNs ? workloads.find(w => w.namespace === operatorNs && w.kind === 'Deployment' && w.name === 'cloudnative-pg') : undefined;
  const operator: Peer | undefined = operatorPods ? src(operatorPods) : operatorNs ? { description: `the CloudNativePG operator (namespace ${operatorNs})`, namespace: operatorNs } : undefined;
  for (const w of workloads.filter(x => x.kind === 'Cluster' || x.kind === 'Pooler')) {
    if (w.kind === 'Cluster') {
      if (operator) for (const port of [8000, 5432]) add(operator, dst(w), operatorPods, w, port);
      // Any pod of the cluster (instances, its Jobs; poolers carry the label too) may reach the instances.
      add({ description: `pods of cluster ${w.namespace}/${w.name}`, pods: { namespace: w.namespace, labels: { [CNPG_CLUSTER_LABEL]: w.name } } }, dst(w), undefined, w, 5432);
      add(src(w), dst(w), w, undefined, 5432);
    }
    add(src(w), apiServer, w, undefined, network.apiServerPort);
  }
  return edges;
}

/** `peer` as a NetworkPolicy peer list, seen from a policy in `namespace`. */
function renderPeers(p: Peer, namespace: string): Record<string, unknown>[] {
  if (p.ipBlocks) return p.ipBlocks.map(b => ({ ipBlock: b.except ? { cidr: b.cidr, except: b.except } : { cidr: b.cidr } }));
  const ns = p.pods?.namespace ?? p.namespace!;
  const namespaceSelector = ns === namespace ? {} : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } };
  return [{ ...namespaceSelector, ...(p.pods ? { podSelector: { matchLabels: p.pods.labels } } : {}) }];
}

interface RuleSpec { peers: Record<string, unknown>[]; ports: { protocol: string; port: number }[] }

/** Rules with the same peers merge their ports; rules come out in a stable order. */
function rules(list: { peer: Peer; port: number; protocol: string }[], namespace: string): RuleSpec[] {
  const byPeer = new Map<string, RuleSpec>();
  for (const { peer, port, protocol } of list) {
    const peers = renderPeers(peer, namespace);
    const key = JSON.stringify(peers);
    const rule = byPeer.get(key) ?? { peers, ports: [] };
    if (!rule.ports.some(p => p.port === port && p.protocol === protocol)) rule.ports.push({ protocol, port });
    byPeer.set(key, rule);
  }
  const sorted = [...byPeer.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  for (const r of sorted) r.ports.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  return sorted;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Refuses address ranges a policy could not carry, naming the setting. */
function checkNetwork(scope: Construct, network: ClusterNetwork): void {
  for (const field of ['podCidr', 'nodeCidr'] as const) {
    const m = CIDR.exec(network[field]);
    if (!m || m.slice(1, 5).some(o => Number(o) > 255) || Number(m[5]) > 32) {
      fail(scope, `network.${field}`, `"${network[field]}" is not an IPv4 CIDR such as 10.42.0.0/16`);
    }
  }
  if (!Number.isInteger(network.apiServerPort) || network.apiServerPort < 1 || network.apiServerPort > 65535) {
    fail(scope, 'network.apiServerPort', `must be a port between 1 and 65535 (got ${network.apiServerPort})`);
  }
}

/**
 * The NetworkPolicies of every app namespace, derived in the `namespaces` step of the derive phase
 * from what every app chart declares and renders; it may be created anywhere among them.
 */
export class NetworkPolicies extends Construct {
  constructor(platform: Platform, id = 'network-policies') {
    super(platform, id);
    checkNetwork(this, platform.network);
    platform.onDerive(this, 'namespaces', () => {
      const model = appsModel(platform);
      const edges = policyEdges(platform, model);
      for (const app of platform.apps) renderApp(app, model.workloads.filter(w => w.namespace === app.namespace), edges);
    });
  }
}

/** The policies of one app namespace, in the app's chart (its folder), from every allowed flow. */
function renderApp(app: AppChart, workloads: Workload[], edges: PolicyEdge[]): void {
  const scope = new Construct(app, 'NetworkPolicies');
  const network = Platform.of(app).network;
  const dns = network.dns;
  const policy = (name: string, podSelector: Record<string, string>, spec: Record<string, unknown>) => new ApiObject(scope, name, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: app.namespace, labels: standardLabels({ name, app: app.appName, component: 'network-policy' }) },
    spec: { podSelector: Object.keys(podSelector).length ? { matchLabels: podSelector } : {}, ...spec },
  });
  // A namespace whose pods a chart rendered by Argo CD runs is closed too, though synthesis sees none of them.
  if (!workloads.length && !argoRenderedCharts(app).some(c => c.app === app.appName)) return;
  policy('default-deny', {}, { policyTypes: ['Ingress', 'Egress'] });
  policy('allow-dns', {}, {
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dns.namespace } }, podSelector: { matchLabels: dns.podLabels } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }],
  });
  const used = new Set(['default-deny', 'allow-dns']);
  // CloudNativePG's Jobs (initdb, join: pg_basebackup from the primary) read the API server and the
  // instances; a recovery Job also reads the object store the cluster may reach on the internet.
  for (const w of workloads.filter(x => x.kind === 'Cluster')) {
    const name = `${w.name}-jobs`;
    const ofCluster = (x?: Workload) => x !== undefined && x.kind === w.kind && x.namespace === w.namespace && x.name === w.name;
    const toInternet = rules(edges.filter(e => ofCluster(e.source) && e.to.ipBlocks?.[0]?.cidr === '0.0.0.0/0')
      .map(e => ({ peer: e.to, port: e.port, protocol: e.protocol })), app.namespace);
    used.add(name);
    new ApiObject(scope, name, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: app.namespace, labels: standardLabels({ name, app: app.appName, component: 'network-policy' }) },
      spec: {
        podSelector: { matchLabels: { [CNPG_CLUSTER_LABEL]: w.name }, matchExpressions: [{ key: CNPG_JOB_ROLE_LABEL, operator: 'Exists' }] },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: network.nodeCidr } }], ports: [{ protocol: 'TCP', port: network.apiServerPort }] },
          { to: [{ podSelector: { matchLabels: w.selector } }], ports: [{ protocol: 'TCP', port: 5432 }] },
          ...toInternet.map(r => ({ to: r.peers, ports: r.ports })),
        ],
      },
    });
  }
  for (const w of workloads) {
    if (w.hostNetwork) continue;
    const same = (x?: Workload) => x !== undefined && x.namespace === w.namespace && x.name === w.name && x.kind === w.kind;
    const ingress = rules(edges.filter(e => same(e.destination)).map(e => ({ peer: e.from, port: e.port, protocol: e.protocol })), app.namespace);
    const egress = rules(edges.filter(e => same(e.source)).map(e => ({ peer: e.to, port: e.port, protocol: e.protocol })), app.namespace);
    if (!ingress.length && !egress.length) continue;
    const name = used.has(w.name) ? `${w.name}-${w.kind.toLowerCase()}` : w.name;
    used.add(name);
    policy(name, w.selector, {
      policyTypes: [...(ingress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])],
      ...(ingress.length ? { ingress: ingress.map(r => ({ from: r.peers, ports: r.ports })) } : {}),
      ...(egress.length ? { egress: egress.map(r => ({ to: r.peers, ports: r.ports })) } : {}),
    });
  }
}
