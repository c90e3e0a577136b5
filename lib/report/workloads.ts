import { parseQuantity } from '../k8s/quantity';
import type { Manifest } from '../synth/render';

/** A long-running workload as the report sees it. */
export interface Workload {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** Folder of its app, e.g. `dist/apps/blog`. */
  readonly app: string;
  readonly labels: Record<string, string>;
  /** Pods it runs at most (autoscaler maximum, DaemonSet times nodes). */
  readonly pods: number;
  /** Per pod, in cores and bytes. */
  readonly requests: { cpu: number; memory: number };
  readonly limits: { cpu: number; memory: number };
  readonly ports: { name?: string; port: number }[];
  /** Labels that select exactly its pods (the workload's selector; CloudNativePG's own labels). */
  readonly selector: Record<string, string>;
  /** Annotations of its pods (scrape annotations among them). */
  readonly podAnnotations: Record<string, string>;
  /** Its pods share the node's network: NetworkPolicies do not apply to them, their traffic comes from the node. */
  readonly hostNetwork: boolean;
  /** Pods a rollout runs on top of `pods` (maxSurge; a CloudNativePG join Job). */
  readonly surge: number;
}

const KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']);

/** An int-or-percent of `pods`, rounded up as Kubernetes rounds maxSurge. */
function surgeOf(value: number | string | undefined, pods: number, fallback: string): number {
  const v = value ?? fallback;
  return typeof v === 'number' ? v : Math.ceil((pods * Number.parseFloat(v)) / 100);
}

/** Extra pods while `m` rolls out. */
function rolloutSurge(m: any, pods: number): number {
  if (m.kind === 'Deployment') return m.spec?.strategy?.type === 'Recreate' ? 0 : surgeOf(m.spec?.strategy?.rollingUpdate?.maxSurge, pods, '25%');
  if (m.kind === 'DaemonSet') return m.spec?.updateStrategy?.type === 'OnDelete' ? 0 : surgeOf(m.spec?.updateStrategy?.rollingUpdate?.maxSurge, pods, '0%');
  // A CronJob with concurrencyPolicy Allow may start the next run before the last one ends.
  if (m.kind === 'CronJob') return m.spec?.concurrencyPolicy === 'Forbid' || m.spec?.concurrencyPolicy === 'Replace' ? 0 : 1;
  return 0;
}

/** Pods CloudNativePG runs for its custom resources: spec path of their resources, and their labels. */
function cnpgWorkload(m: any): {
  containers: any[]; pods: number; labels: Record<string, string>; selector: Record<string, string>; ports: { name?: string; port: number }[]; annotations: Record<string, string>; surge: number;
} | undefined {
  if (!m.apiVersion?.startsWith('postgresql.cnpg.io/')) return undefined;
  if (m.kind === 'Cluster') {
    return {
      containers: [{ resources: m.spec?.resources }],
      pods: m.spec?.instances ?? 1,
      // Instance pods; the cluster's Jobs (initdb, join) carry cnpg.io/cluster and a cnpg.io/jobRole instead.
      labels: { 'cnpg.io/cluster': m.metadata.name, 'cnpg.io/podRole': 'instance' },
      selector: { 'cnpg.io/cluster': m.metadata.name, 'cnpg.io/podRole': 'instance' },
      ports: [{ name: 'postgresql', port: 5432 }, { name: 'metrics', port: 9187 }, { name: 'status', port: 8000 }],
      annotations: m.spec?.inheritedMetadata?.annotations ?? {},
      // Joining a new or re-created instance runs a Job of an instance's size beside the others.
      surge: 1,
    };
  }
  if (m.kind === 'Pooler') {
    return {
      containers: m.spec?.template?.spec?.containers ?? [],
      pods: m.spec?.instances ?? 1,
      labels: { 'cnpg.io/poolerName': m.metadata.name, 'cnpg.io/cluster': m.spec?.cluster?.name, 'cnpg.io/podRole': 'pooler' },
      selector: { 'cnpg.io/poolerName': m.metadata.name },
      ports: [{ name: 'pgbouncer', port: 5432 }, { name: 'metrics', port: 9127 }],
      annotations: m.spec?.template?.metadata?.annotations ?? {},
      // The operator's Deployment keeps Kubernetes's default maxSurge, 25%.
      surge: surgeOf(undefined, m.spec?.instances ?? 1, '25%'),
    };
  }
  return undefined;
}

/** The Deployments, StatefulSets and DaemonSets among rendered objects, with their sizes. */
export function workloadsOf(objects: { file: string; manifest: Manifest }[], nodes: number): Workload[] {
  const autoscalers = new Map(objects.filter(o => o.manifest.kind === 'HorizontalPodAutoscaler').map(o => {
    const spec = o.manifest.spec as any;
    return [`${o.manifest.metadata.namespace}/${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`, spec.maxReplicas as number];
  }));
  return objects.filter(o => KINDS.has(o.manifest.kind) || cnpgWorkload(o.manifest)).map(o => {
    const m = o.manifest as any;
    const operated = cnpgWorkload(m);
    const template = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template : m.spec?.template;
    const containers: any[] = operated?.containers ?? template?.spec?.containers ?? [];
    const sum = (pick: (c: any) => string | undefined) => containers.reduce((n, c) => n + (parseQuantity(pick(c) ?? '0') ?? 0), 0);
    const pods = operated?.pods ?? (m.kind === 'DaemonSet' ? nodes
      : m.kind === 'CronJob' ? (m.spec?.jobTemplate?.spec?.parallelism ?? 1)
        : autoscalers.get(`${m.metadata.namespace}/${m.kind}/${m.metadata.name}`) ?? m.spec?.replicas ?? 1);
    return {
      kind: m.kind,
      name: m.metadata.name,
      namespace: m.metadata.namespace,
      app: o.file.slice(0, o.file.lastIndexOf('/')),
      labels: operated?.labels ?? template?.metadata?.labels ?? {},
      selector: operated?.selector ?? m.spec?.selector?.matchLabels ?? template?.metadata?.labels ?? {},
      podAnnotations: operated?.annotations ?? template?.metadata?.annotations ?? {},
      hostNetwork: template?.spec?.hostNetwork === true,
      surge: operated?.surge ?? rolloutSurge(m, pods),
      pods,
      requests: { cpu: sum(c => c.resources?.requests?.cpu), memory: sum(c => c.resources?.requests?.memory) },
      limits: { cpu: sum(c => c.resources?.limits?.cpu), memory: sum(c => c.resources?.limits?.memory) },
      ports: operated?.ports ?? containers.flatMap(c => (c.ports ?? []).map((p: any) => ({ name: p.name, port: p.containerPort }))),
    };
  });
}
