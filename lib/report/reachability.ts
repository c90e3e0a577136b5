import type { Manifest } from '../synth/render';
import type { Workload } from './workloads';

interface Peer { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> }; ipBlock?: unknown }
interface Rule { from?: Peer[]; to?: Peer[]; ports?: { port?: number | string }[] }

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** Whether `peer`, written in a policy of namespace `policyNs`, matches workload `w`. */
function peerMatches(peer: Peer, policyNs: string, w: Workload): boolean {
  if (peer.ipBlock) return false;
  // Kubernetes sets kubernetes.io/metadata.name on every namespace; that is the label selectors here use.
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': w.namespace }) : w.namespace === policyNs;
  return nsOk && (!peer.podSelector || matches(peer.podSelector.matchLabels, w.labels));
}

function portMatches(rule: Rule, dest: Workload, port: number): boolean {
  if (!rule.ports?.length) return true;
  return rule.ports.some(p => p.port === undefined || p.port === port || dest.ports.some(dp => dp.name === p.port && dp.port === port));
}

/**
 * Whether pods of `from` may open connections to `to` on `port`, under the NetworkPolicies given:
 * a pod selected by no policy of a direction is open in that direction.
 */
export function isAllowed(policies: Manifest[], from: Workload, to: Workload, port: number): boolean {
  const ofType = (ns: string, w: Workload, type: 'Ingress' | 'Egress') => policies.filter(p => {
    const spec = p.spec as any;
    const types: string[] = spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return p.metadata.namespace === ns && types.includes(type) && matches(spec.podSelector?.matchLabels, w.labels);
  });
  const ingress = ofType(to.namespace, to, 'Ingress');
  const ingressOk = ingress.length === 0 || ingress.some(p => ((p.spec as any).ingress ?? []).some((r: Rule) =>
    (!r.from?.length || r.from.some(peer => peerMatches(peer, to.namespace, from))) && portMatches(r, to, port)));
  const egress = ofType(from.namespace, from, 'Egress');
  const egressOk = egress.length === 0 || egress.some(p => ((p.spec as any).egress ?? []).some((r: Rule) =>
    (!r.to?.length || r.to.some(peer => peerMatches(peer, from.namespace, to))) && portMatches(r, to, port)));
  return ingressOk && egressOk;
}
