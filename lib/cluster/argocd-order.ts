/**
 * The order Argo CD applies one Application's objects in: hook phase, then the
 * argocd.argoproj.io/sync-wave annotation, then kind (gitops-engine's kind order: namespaces and
 * quotas before the workloads they constrain), then name.
 */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding',
  'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod',
  'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'IngressClass', 'Ingress', 'APIService',
];

const PHASES = ['PreSync', 'Sync', 'PostSync'];

/** What the order reads of an object. */
export interface Ordered {
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly annotations?: Record<string, string> };
}

export function syncWave(object: Ordered | undefined): number {
  const wave = Number(object?.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
  return Number.isFinite(wave) ? wave : 0;
}

function phase(object: Ordered | undefined): number {
  const hook = String(object?.metadata?.annotations?.['argocd.argoproj.io/hook'] ?? 'Sync').split(',')[0];
  const i = PHASES.indexOf(hook);
  return i < 0 ? 1 : i;
}

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Sorts in place and returns the array. */
export function argoOrder<T extends { object: Ordered }>(items: T[]): T[] {
  return items.sort((a, b) =>
    phase(a.object) - phase(b.object) ||
    syncWave(a.object) - syncWave(b.object) ||
    kindRank(a.object.kind) - kindRank(b.object.kind) ||
    String(a.object.metadata?.name).localeCompare(String(b.object.metadata?.name)));
}

/** Whether two objects are applied in the same step (same phase, wave and kind). */
export function sameStep(a: Ordered, b: Ordered): boolean {
  return phase(a) === phase(b) && syncWave(a) === syncWave(b) && kindRank(a.kind) === kindRank(b.kind);
}
