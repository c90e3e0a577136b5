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
}

const KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Pods CloudNativePG runs for its custom resources: spec path of their resources, and their labels. */
function cnpgWorkload(m: any): { containers: any[]; pods: number; labels: Record<string, string>; ports: { name?: string; port: number }[] } | undefined {
  if (!m.apiVersion?.startsWith('postgresql.cnpg.io/')) return undefined;
  if (m.kind === 'Cluster') {
    return {
      containers: [{ resources: m.spec?.resources }],
      pods: m.spec?.instances ?? 1,
      labels: { 'cnpg.io/cluster': m.metadata.name },
      ports: [{ name: 'postgresql', port: 5432 }, { name: 'metrics', port: 9187 }],
    };
  }
  if (m.kind === 'Pooler') {
    return {
      containers: m.spec?.template?.spec?.containers ?? [],
      pods: m.spec?.instances ?? 1,
      labels: { 'cnpg.io/poolerName': m.metadata.name },
      ports: [{ name: 'pgbouncer', port: 5432 }, { name: 'metrics', port: 9127 }],
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
    const containers: any[] = operated?.containers ?? m.spec?.template?.spec?.containers ?? [];
    const sum = (pick: (c: any) => string | undefined) => containers.reduce((n, c) => n + (parseQuantity(pick(c) ?? '0') ?? 0), 0);
    const pods = operated?.pods ?? (m.kind === 'DaemonSet' ? nodes : autoscalers.get(`${m.metadata.namespace}/${m.kind}/${m.metadata.name}`) ?? m.spec?.replicas ?? 1);
    return {
      kind: m.kind,
      name: m.metadata.name,
      namespace: m.metadata.namespace,
      app: o.file.slice(0, o.file.lastIndexOf('/')),
      labels: operated?.labels ?? m.spec?.template?.metadata?.labels ?? {},
      pods,
      requests: { cpu: sum(c => c.resources?.requests?.cpu), memory: sum(c => c.resources?.requests?.memory) },
      limits: { cpu: sum(c => c.resources?.limits?.cpu), memory: sum(c => c.resources?.limits?.memory) },
      ports: operated?.ports ?? containers.flatMap(c => (c.ports ?? []).map((p: any) => ({ name: p.name, port: p.containerPort }))),
    };
  });
}
