/*
 * Which kinds run pods, and where their pod template sits: the one definition every reader of
 * rendered objects (the model, the validator, the platform checks, the upstream charts) uses.
 */
import { asKind, PodTemplate } from './kube';
import type { Manifest } from './manifest';

/** Kinds whose controller keeps a set of pods running, selected by labels. */
export const CONTROLLER_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/** Kinds that carry a pod template (a Pod is its own). */
export const POD_KINDS: readonly string[] = [...CONTROLLER_KINDS, 'Job', 'CronJob', 'Pod'];

/**
 * Kinds the model sizes as workloads and connections start from or arrive at: what a chart
 * renders to run its app (a ReplicaSet, a Job or a bare Pod is what these create, not what a chart
 * writes). CloudNativePG's Cluster and Pooler run pods too (`runsPods`).
 */
export const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'];

const CONTROLLERS = new Set(CONTROLLER_KINDS);
const PODS = new Set(POD_KINDS);
const WORKLOADS = new Set(WORKLOAD_KINDS);

export const isControllerKind = (kind: string): boolean => CONTROLLERS.has(kind);
export const isPodKind = (kind: string): boolean => PODS.has(kind);
export const isWorkloadKind = (kind: string): boolean => WORKLOADS.has(kind);

/** Whether `m` makes pods run: a workload, or a CloudNativePG Cluster or Pooler. */
export function runsPods(m: Manifest): boolean {
  return WORKLOADS.has(m.kind) || asKind(m, 'postgresql.cnpg.io/Cluster') !== undefined || asKind(m, 'postgresql.cnpg.io/Pooler') !== undefined;
}

/** Dotted path of the pod spec in an object of `kind`, as messages name fields. */
export function podSpecPath(kind: string): string {
  if (kind === 'Pod') return 'spec';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

/** The pod template of an object of a pod kind (the Pod itself for a Pod), or undefined for other kinds. */
export function podTemplateOf(m: Manifest): PodTemplate | undefined {
  if (!PODS.has(m.kind)) return undefined;
  const pod = asKind(m, 'Pod');
  if (pod) return { metadata: pod.metadata, spec: pod.spec ?? { containers: [] } };
  const cronJob = asKind(m, 'CronJob');
  if (cronJob) return cronJob.spec?.jobTemplate?.spec?.template;
  return (m as { spec?: { template?: PodTemplate } }).spec?.template;
}
