/**
 * Annotations that stop Argo CD from pruning an object that left git, and from deleting it with
 * its Application: for everything that holds data (PVCs, database StatefulSets and clusters).
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
 */
export const KEEP_ON_PRUNE_AND_DELETE: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
};
