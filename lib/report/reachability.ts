import { asKind, NetworkPolicy } from '../model';
import type { Manifest } from '../model/manifest';

/**
 * One end of a connection as NetworkPolicies see it: pods of a workload (labels in a namespace),
 * or something with an address and no pod identity (the internet, a node, the API server). A
 * host-network pod has both a namespace and its node's address: policies do not apply to it, and
 * its traffic is matched by ipBlock, never by a pod or namespace selector.
 */
export interface Endpoint {
  readonly name: string;
  /** '' for an address outside every namespace. */
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ports: { name?: string; port: number }[];
  readonly hostNetwork?: boolean;
  /** The IPv4 address its traffic carries, for host-network pods and addresses outside the cluster. */
  readonly address?: string;
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule { from?: Peer[]; to?: Peer[]; ports?: { port?: number | string }[] }
/** The fields of a NetworkPolicy's spec this check reads, with the selector operators it knows. */
interface PolicySpec { policyTypes?: string[]; podSelector?: Selector; ingress?: Rule[]; egress?: Rule[] }

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** A label selector, with its expressions, against a pod's labels. */
function selectorMatches(selector: Selector | undefined, labels: Record<string, string>): boolean {
  return matches(selector?.matchLabels, labels) && (selector?.matchExpressions ?? []).every(e => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      default: return false;
    }
  });
}

const ipv4 = (address: string) => address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

/** Whether IPv4 `address` is inside `cidr`. */
export function inCidr(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits ?? 32));
  return Math.floor(ipv4(address) / size) === Math.floor(ipv4(base) / size);
}

/** Whether `peer`, written in a policy of namespace `policyNs`, matches endpoint `w`. */
function peerMatches(peer: Peer, policyNs: string, w: Endpoint): boolean {
  if (peer.ipBlock) {
    return w.address !== undefined && inCidr(w.address, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(c => inCidr(w.address!, c));
  }
  // Pod and namespace selectors match pods on the pod network only.
  if (w.hostNetwork || !w.namespace) return false;
  // Kubernetes sets kubernetes.io/metadata.name on every namespace; that is the label selectors here use.
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': w.namespace }) : w.namespace === policyNs;
  return nsOk && (!peer.podSelector || selectorMatches(peer.podSelector, w.labels));
}

function portMatches(rule: Rule, dest: Endpoint, port: number): boolean {
  if (!rule.ports?.length) return true;
  return rule.ports.some(p => p.port === undefined || p.port === port || dest.ports.some(dp => dp.name === p.port && dp.port === port));
}

/**
 * Whether pods of `from` may open connections to `to` on `port`, under the NetworkPolicies given:
 * a pod selected by no policy of a direction is open in that direction, and so is a host-network
 * pod, which policies do not apply to. Protocols are not told apart.
 */
export function isAllowed(manifests: readonly Manifest[], from: Endpoint, to: Endpoint, port: number): boolean {
  const policies = policiesOf(manifests);
  const ingress = policies.selecting(to, 'Ingress');
  const ingressOk = ingress.length === 0 || ingress.some(spec => (spec.ingress ?? []).some(r =>
    (!r.from?.length || r.from.some(peer => peerMatches(peer, to.namespace, from))) && portMatches(r, to, port)));
  const egress = policies.selecting(from, 'Egress');
  const egressOk = egress.length === 0 || egress.some(spec => (spec.egress ?? []).some(r =>
    (!r.to?.length || r.to.some(peer => peerMatches(peer, from.namespace, to))) && portMatches(r, to, port)));
  return ingressOk && egressOk;
}

/** The NetworkPolicies of a set of manifests, with the ones selecting each endpoint found once. */
class Policies {
  private readonly specs: { namespace?: string; spec: PolicySpec; types: string[] }[];
  private readonly selected = { Ingress: new WeakMap<Endpoint, PolicySpec[]>(), Egress: new WeakMap<Endpoint, PolicySpec[]>() };

  constructor(manifests: readonly Manifest[]) {
    this.specs = manifests.map(m => asKind(m, 'NetworkPolicy')).filter((p): p is NetworkPolicy => p !== undefined).map(p => {
      const spec = (p.spec ?? {}) as PolicySpec;
      return { namespace: p.metadata.namespace, spec, types: spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']) };
    });
  }

  /** The policies of a direction that select `w`'s pods (none for a host-network pod or an address). */
  public selecting(w: Endpoint, type: 'Ingress' | 'Egress'): PolicySpec[] {
    let found = this.selected[type].get(w);
    if (!found) {
      found = w.hostNetwork || !w.namespace ? [] : this.specs.filter(p => p.namespace === w.namespace && p.types.includes(type) && selectorMatches(p.spec.podSelector, w.labels)).map(p => p.spec);
      this.selected[type].set(w, found);
    }
    return found;
  }
}

// The report asks about every pair of workloads of one set of manifests: its policies are read once.
const POLICIES = new WeakMap<readonly Manifest[], Policies>();
function policiesOf(manifests: readonly Manifest[]): Policies {
  let policies = POLICIES.get(manifests);
  if (!policies) POLICIES.set(manifests, (policies = new Policies(manifests)));
  return policies;
}

/** An address inside `cidr` (its first host) that stands for a node of that range. */
export function firstHost(cidr: string): string {
  const n = ipv4(cidr.split('/')[0]) + 1;
  return [24, 16, 8, 0].map(shift => Math.floor(n / 2 ** shift) % 256).join('.');
}
