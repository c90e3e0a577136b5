import { formatCpu, parseQuantity } from '../../k8s/quantity';
import { needsOf, workloadsOf } from '../../model';
import { ValidationContext } from '../context';
import { Subject } from '../finding';

/*
 * What the API server accepts but the cluster can never carry out: a rollout whose surge pods a
 * namespace's ResourceQuota refuses ("exceeded quota", the rollout stalls), and a host-port pod
 * whose surge copy needs the port its predecessor holds ("didn't have free ports"). Both were
 * found by applying the platform to a real control plane (test/control-plane*.test.ts).
 */

const MI = 2 ** 20;
const formatMemory = (bytes: number) => (bytes % MI === 0 ? `${bytes / MI}Mi` : String(Math.ceil(bytes)));

/** The quota keys a rollout's pods count against, with how to read the namespace's needs for each. */
const QUOTA_KEYS: { keys: string[]; need: (n: ReturnType<typeof needsOf>) => number; format: (v: number) => string }[] = [
  { keys: ['pods'], need: n => n.pods, format: String },
  { keys: ['requests.cpu', 'cpu'], need: n => n.requests.cpu, format: formatCpu },
  { keys: ['requests.memory', 'memory'], need: n => n.requests.memory, format: formatMemory },
  { keys: ['limits.cpu'], need: n => n.limits.cpu, format: formatCpu },
  { keys: ['limits.memory'], need: n => n.limits.memory, format: formatMemory },
];

/** Each ResourceQuota covers its namespace's pods at their maximum plus every rollout's surge pods. */
function checkQuotas(ctx: ValidationContext): void {
  for (const [quota, { spec }] of ctx.index.typedOfKind('ResourceQuota')) {
    // A scoped quota counts only some pods; which ones is the scheduler's business, not ours.
    if (!spec?.hard || spec.scopes?.length || spec.scopeSelector) continue;
    const namespace = quota.manifest.metadata?.namespace;
    // DaemonSets are sized for one node: the folder does not say how many there are.
    const workloads = workloadsOf(ctx.index.inNamespace(namespace), 1);
    if (!workloads.length) continue;
    const needs = needsOf(workloads);
    for (const { keys, need, format } of QUOTA_KEYS) {
      const key = keys.find(k => spec.hard![k] !== undefined);
      if (!key) continue;
      const hard = parseQuantity(String(spec.hard[key]));
      const needed = need(needs);
      if (hard === undefined || needed <= hard + 1e-9) continue;
      ctx.report(quota, 'quota-rollout', `spec.hard.${key}: ${spec.hard[key]} is less than the ${format(needed)} that namespace ${namespace}'s workloads need with every pod at its maximum and each rollout's surge pods, so a rollout would stall with "exceeded quota"; raise it or lower maxSurge`);
    }
  }
}

/** Whether a pod template claims a port on its node: host networking with container ports, or a hostPort. */
function holdsHostPort(ctx: ValidationContext, subject: Subject): number | undefined {
  const spec = ctx.index.podOf(subject)?.template.spec;
  const ports = (spec?.containers ?? []).flatMap(c => c.ports ?? []);
  return ports.find(p => p.hostPort !== undefined)?.hostPort ?? (spec?.hostNetwork ? ports[0]?.containerPort : undefined);
}

/** A Deployment whose pods hold a host port must not surge: the new pod needs the port the old one holds. */
function checkHostPortSurge(ctx: ValidationContext): void {
  for (const subject of ctx.index.ofKind('Deployment')) {
    const port = holdsHostPort(ctx, subject);
    if (port === undefined) continue;
    const [workload] = workloadsOf([subject], 1);
    if (!workload?.surge) continue;
    ctx.report(subject, 'host-port-rollout', `spec.strategy.rollingUpdate.maxSurge: its pods hold port ${port} on their node, so a surge pod never schedules where one already runs ("didn't have free ports") and on a cluster with as many nodes as replicas the rollout stalls; set maxSurge: 0 and maxUnavailable: 1`);
  }
}

export function checkRolloutCapacity(ctx: ValidationContext): void {
  checkQuotas(ctx);
  checkHostPortSurge(ctx);
}
