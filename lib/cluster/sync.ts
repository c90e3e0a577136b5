import { NodeCapacity } from '../platform/platform';
import { crdsDir } from '../schema-sources';
import { ApplyResult, applyFolders, crdObjects, installCrds } from './apply';
import { ControlPlane } from './control-plane';
import { NodeShape, prepareCluster } from './nodes';
import { readIndex } from './sources';

/** The fake nodes PLATFORM_SETTINGS.capacity declares. */
export function declaredShape(capacity: NodeCapacity | undefined): NodeShape {
  return { count: capacity?.nodes ?? 1, cpu: capacity?.cpuPerNode ?? '16', memory: capacity?.memoryPerNode ?? '64Gi', gpus: capacity?.gpus };
}

/**
 * Seed 002's shape: three machines sharing the declared capacity, one per zone, so that spread
 * and anti-affinity rules meet several nodes. The GPU nodes stay as declared (the first nodes).
 */
export function threeNodeShape(capacity: NodeCapacity | undefined): NodeShape {
  const d = declaredShape(capacity);
  const total = (q: string, n: number) => Number.parseFloat(q) * n;
  const unit = (q: string) => q.replace(/^[\d.]+/, '');
  return {
    count: 3,
    cpu: String(Math.ceil(total(d.cpu, d.count) / 3)),
    memory: `${Math.ceil(total(d.memory, d.count) / 3)}${unit(d.memory)}`,
    gpus: d.gpus,
  };
}

export interface SyncResult extends ApplyResult {
  /** Stops the volume provisioner. */
  readonly stop: () => Promise<void>;
}

/**
 * Prepares the cluster (nodes, local-path StorageClass, provisioner), installs the operators'
 * CRDs (the files the offline validator reads, crdsDir()) and applies folders as Argo CD would.
 */
export async function syncFolders(cp: ControlPlane, folders: string[], root: string, shape: NodeShape, extraGroups: string[] = []): Promise<SyncResult> {
  const stop = await prepareCluster(cp.client, shape);
  // Every CRD of each API group the folders use that no folder installs itself (the system
  // layer's operators install theirs): the vendored ones. Groups nothing uses (prometheus-operator's)
  // are left out; their huge schemas cost seconds each.
  const indexes = folders.map(readIndex);
  const objects = indexes.flatMap(i => i.objects);
  const installed = new Set(indexes.flatMap(i => i.ofKind('CustomResourceDefinition')).map(s => s.object.spec?.group));
  const groups = new Set([...extraGroups, ...objects.map(s => String(s.object.apiVersion).split('/').slice(0, -1).join('/'))]);
  const crds = crdObjects([crdsDir()]).filter(c => groups.has(c.object.spec?.group) && !installed.has(c.object.spec?.group));
  const crdFindings = await installCrds(cp.client, crds);
  const result = await applyFolders(cp.client, folders, root);
  return { ...result, findings: [...crdFindings, ...result.findings], stop };
}
