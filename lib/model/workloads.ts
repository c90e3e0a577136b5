import { parseQuantity } from '../k8s/quantity';
import { isGpuResource } from './gpu-resources';
import type { Manifest } from './manifest';
import { cnpgInstanceLabels, CNPG_INSTANCE_PORTS, CNPG_POOLER_PORTS, cnpgPoolerLabels, cnpgPoolerSelector } from './cnpg';
import { asKind, Container, PodTemplate, Resources } from './kube';

/** A set of long-running pods: a Deployment, StatefulSet, DaemonSet or CronJob, or the pods CloudNativePG runs. */
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
  /** GPUs per pod, by extended resource (`amd.com/gpu`), from its containers' limits. */
  readonly gpus: Record<string, number>;
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

/** What a namespace's LimitRange gives a container that sets no requests or limits. */
export interface ContainerDefaults {
  readonly defaultRequest: { readonly cpu: string; readonly memory: string };
  readonly default: { readonly cpu: string; readonly memory: string };
}

/** The container defaults of each namespace's LimitRange among `objects`. */
function limitRangeDefaults(objects: readonly { manifest: Manifest }[]): Map<string, ContainerDefaults> {
  const out = new Map<string, ContainerDefaults>();
  for (const { manifest } of objects) {
    const limitRange = asKind(manifest, 'LimitRange');
    const limit = (limitRange?.spec?.limits ?? []).find(l => l.type === 'Container');
    if (!limit) continue;
    // Quantities as written (the generated typing allows numbers; a LimitRange here writes strings).
    const q = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
    out.set(manifest.metadata.namespace ?? '', {
      default: { cpu: q(limit.default?.cpu) ?? '', memory: q(limit.default?.memory) ?? '' },
      defaultRequest: { cpu: q(limit.defaultRequest?.cpu ?? limit.default?.cpu) ?? '', memory: q(limit.defaultRequest?.memory ?? limit.default?.memory) ?? '' },
    });
  }
  return out;
}

/**
 * A container's resources as the API server stores them: a request left out takes the limit
 * (defaulting), then the LimitRange fills what is still missing (admission).
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
export function effectiveResources(r: Resources | undefined, defaults: ContainerDefaults | undefined): Resources {
  const pick = (name: 'cpu' | 'memory') => {
    const limit = r?.limits?.[name] ?? (defaults?.default[name] || undefined);
    const request = r?.requests?.[name] ?? r?.limits?.[name] ?? (defaults?.defaultRequest[name] || undefined);
    return { limit, request };
  };
  const cpu = pick('cpu');
  const memory = pick('memory');
  const set = (o: Record<string, string | number | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return { ...r, requests: { ...r?.requests, ...set({ cpu: cpu.request, memory: memory.request }) }, limits: { ...r?.limits, ...set({ cpu: cpu.limit, memory: memory.limit }) } };
}

/** What a workload's pods look like, before sizing. */
interface PodSet {
  readonly resources: (Resources | undefined)[];
  /** Init containers run one at a time before the others: a pod needs the most of any of them, or the sum of the rest. */
  readonly initResources?: (Resources | undefined)[];
  readonly pods: number;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly ports: { name?: string; port: number }[];
  readonly annotations: Record<string, string>;
  readonly hostNetwork: boolean;
  readonly surge: number;
}

/** An int-or-percent of `pods`, rounded up as Kubernetes rounds maxSurge. */
function surgeOf(value: number | string | undefined, pods: number, fallback: string): number {
  const v = value ?? fallback;
  return typeof v === 'number' ? v : Math.ceil((pods * Number.parseFloat(v)) / 100);
}

/** The pods of a templated workload. */
function templated(template: PodTemplate | undefined, selector: Record<string, string> | undefined, pods: number, surge: (pods: number) => number): PodSet {
  const containers: Container[] = template?.spec?.containers ?? [];
  return {
    resources: containers.map(c => c.resources),
    initResources: (template?.spec?.initContainers ?? []).map(c => c.resources),
    pods,
    labels: template?.metadata?.labels ?? {},
    selector: selector ?? template?.metadata?.labels ?? {},
    ports: containers.flatMap(c => (c.ports ?? []).map(p => ({ name: p.name, port: p.containerPort }))),
    annotations: template?.metadata?.annotations ?? {},
    hostNetwork: template?.spec?.hostNetwork === true,
    surge: surge(pods),
  };
}

/** The pods `m` runs, or undefined when it runs none of its own. */
function podSetOf(m: Manifest, nodes: number, maxReplicas: (kind: string) => number | undefined): PodSet | undefined {
  const deployment = asKind(m, 'Deployment');
  if (deployment) {
    const s = deployment.spec;
    const pods = maxReplicas('Deployment') ?? s?.replicas ?? 1;
    return templated(s?.template, s?.selector?.matchLabels, pods, n => (s?.strategy?.type === 'Recreate' ? 0 : surgeOf(s?.strategy?.rollingUpdate?.maxSurge, n, '25%')));
  }
  const statefulSet = asKind(m, 'StatefulSet');
  if (statefulSet) {
    const s = statefulSet.spec;
    return templated(s?.template, s?.selector?.matchLabels, maxReplicas('StatefulSet') ?? s?.replicas ?? 1, () => 0);
  }
  const daemonSet = asKind(m, 'DaemonSet');
  if (daemonSet) {
    const s = daemonSet.spec;
    return templated(s?.template, s?.selector?.matchLabels, nodes, n => (s?.updateStrategy?.type === 'OnDelete' ? 0 : surgeOf(s?.updateStrategy?.rollingUpdate?.maxSurge, n, '0%')));
  }
  const cronJob = asKind(m, 'CronJob');
  if (cronJob) {
    const job = cronJob.spec?.jobTemplate?.spec;
    // A CronJob with concurrencyPolicy Allow may start the next run before the last one ends.
    const policy = cronJob.spec?.concurrencyPolicy;
    return templated(job?.template, undefined, job?.parallelism ?? 1, () => (policy === 'Forbid' || policy === 'Replace' ? 0 : 1));
  }
  const cluster = asKind(m, 'postgresql.cnpg.io/Cluster');
  if (cluster) {
    const labels = cnpgInstanceLabels(m.metadata.name);
    return {
      resources: [cluster.spec?.resources],
      pods: cluster.spec?.instances ?? 1,
      labels,
      selector: labels,
      ports: CNPG_INSTANCE_PORTS,
      annotations: cluster.spec?.inheritedMetadata?.annotations ?? {},
      hostNetwork: false,
      // Joining a new or re-created instance runs a Job of an instance's size beside the others.
      surge: 1,
    };
  }
  const pooler = asKind(m, 'postgresql.cnpg.io/Pooler');
  if (pooler) {
    const pods = pooler.spec?.instances ?? 1;
    return {
      resources: (pooler.spec?.template?.spec?.containers ?? []).map(c => c.resources),
      pods,
      labels: cnpgPoolerLabels(m.metadata.name, pooler.spec?.cluster?.name),
      selector: cnpgPoolerSelector(m.metadata.name),
      ports: CNPG_POOLER_PORTS,
      annotations: pooler.spec?.template?.metadata?.annotations ?? {},
      hostNetwork: false,
      // The operator's Deployment keeps Kubernetes's default maxSurge, 25%.
      surge: surgeOf(undefined, pods, '25%'),
    };
  }
  return undefined;
}

/**
 * The workloads among rendered objects, with their sizes as the API server admits their pods;
 * `nodes` sizes DaemonSets. Containers that leave out requests or limits get those of their
 * namespace's LimitRange among the objects, or `defaults` where given (when the LimitRanges are not
 * rendered yet).
 */
export function workloadsOf(objects: readonly { file: string; manifest: Manifest }[], nodes: number, defaults?: ContainerDefaults): Workload[] {
  const limitRanges = limitRangeDefaults(objects);
  const autoscalers = new Map<string, number>();
  for (const o of objects) {
    const hpa = asKind(o.manifest, 'HorizontalPodAutoscaler');
    if (hpa?.spec) autoscalers.set(`${o.manifest.metadata.namespace}/${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`, hpa.spec.maxReplicas);
  }
  const workloads: Workload[] = [];
  for (const o of objects) {
    const m = o.manifest;
    const set = podSetOf(m, nodes, kind => autoscalers.get(`${m.metadata.namespace}/${kind}/${m.metadata.name}`));
    if (!set) continue;
    const namespaceDefaults = defaults ?? limitRanges.get(m.metadata.namespace ?? '');
    const amount = (r: Resources | undefined, pick: (r: Resources | undefined) => string | number | undefined) => parseQuantity(String(pick(effectiveResources(r, namespaceDefaults)) ?? '0')) ?? 0;
    // Kubernetes's effective request of a pod: its containers' sum, or its largest init container.
    const sum = (pick: (r: Resources | undefined) => string | number | undefined) => Math.max(
      set.resources.reduce((n, r) => n + amount(r, pick), 0),
      ...(set.initResources ?? []).map(r => amount(r, pick)));
    // GPUs follow the same rule: the containers' sum, or the most any one init container asks for.
    const gpus: Record<string, number> = {};
    const countGpus = (list: readonly (Resources | undefined)[], combine: (a: number, b: number) => number) => {
      for (const r of list) {
        for (const [name, value] of Object.entries(r?.limits ?? {})) {
          if (isGpuResource(name)) gpus[name] = combine(gpus[name] ?? 0, parseQuantity(String(value)) ?? 0);
        }
      }
    };
    countGpus(set.resources, (a, b) => a + b);
    countGpus(set.initResources ?? [], Math.max);
    workloads.push({
      kind: m.kind,
      name: m.metadata.name,
      namespace: m.metadata.namespace!,
      app: o.file.slice(0, o.file.lastIndexOf('/')),
      labels: set.labels,
      selector: set.selector,
      podAnnotations: set.annotations,
      hostNetwork: set.hostNetwork,
      surge: set.surge,
      pods: set.pods,
      requests: { cpu: sum(r => r?.requests?.cpu), memory: sum(r => r?.requests?.memory) },
      limits: { cpu: sum(r => r?.limits?.cpu), memory: sum(r => r?.limits?.memory) },
      gpus,
      ports: set.ports,
    });
  }
  return workloads;
}

/** What a set of workloads needs at most: every pod at its maximum count plus every rollout's surge pods. */
export interface AppNeeds {
  readonly pods: number;
  readonly requests: { cpu: number; memory: number };
  readonly limits: { cpu: number; memory: number };
}

export function needsOf(workloads: Workload[]): AppNeeds {
  const total = (pick: (w: Workload) => number) => workloads.reduce((n, w) => n + (w.pods + w.surge) * pick(w), 0);
  return {
    pods: workloads.reduce((n, w) => n + w.pods + w.surge, 0),
    requests: { cpu: total(w => w.requests.cpu), memory: total(w => w.requests.memory) },
    limits: { cpu: total(w => w.limits.cpu), memory: total(w => w.limits.memory) },
  };
}
