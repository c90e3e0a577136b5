/**
 * Annotations that stop Argo CD from pruning an object that left git, and from deleting it with
 * its Application: for everything that holds data (PVCs, database StatefulSets and clusters).
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
 */
export const KEEP_ON_PRUNE_AND_DELETE: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
};

/** The annotation Argo CD reads sync options from. */
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

interface ObjectLike {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly annotations?: Record<string, string> };
  readonly spec?: unknown;
}

/**
 * What data an object holds, or undefined when it holds none: a PersistentVolumeClaim, a
 * StatefulSet with volume claim templates (its claims outlive it, but a re-created one re-binds
 * them only by name), or a CloudNativePG Cluster (its instances' volumes).
 */
export function dataHeld(o: ObjectLike): string | undefined {
  if (o.kind === 'PersistentVolumeClaim' && o.apiVersion === 'v1') return 'a volume';
  const templates = (o.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] } | undefined)?.volumeClaimTemplates;
  if (o.kind === 'StatefulSet' && templates?.length) return `volume claims ${templates.map(t => t.metadata?.name).join(', ')}`;
  if (o.kind === 'Cluster' && o.apiVersion?.startsWith('postgresql.cnpg.io/')) return 'a PostgreSQL database';
  return undefined;
}

/** The sync options an object's annotation names (`Prune=false`, `Delete=false`, ...). */
export function syncOptions(o: ObjectLike): string[] {
  return (o.metadata?.annotations?.[SYNC_OPTIONS] ?? '').split(',').map(s => s.trim()).filter(Boolean);
}

/** `annotations` with Prune=false and Delete=false added to the sync options they hold. */
export function withKeepOnPruneAndDelete(annotations: Record<string, string> | undefined): Record<string, string> {
  const options = (annotations?.[SYNC_OPTIONS] ?? '').split(',').map(s => s.trim()).filter(Boolean);
  const kept = options.filter(o => !/^(Prune|Delete)=/.test(o));
  return { ...annotations, [SYNC_OPTIONS]: [...kept, 'Prune=false', 'Delete=false'].join(',') };
}
