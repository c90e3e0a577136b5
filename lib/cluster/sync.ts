import { NodeCapacity } from '../platform/platform';
import { crdsDir } from '../schema-sources';
import { ApplyResult, applyFolders, crdObjects, installCrds } from './apply';
import { ControlPlane } from './control-plane';
import { NodeShape, prepareCluster } from './nodes';

/** The fake nodes PLATFORM_SETTINGS.capacity declares. */
export function declaredShape(capacity: NodeCapacity | undefined): NodeShape {
  return { count: capacity?.nodes ?? 1, cpu: capacity?.cpuPerNode ?? '16', memory: capacity?.memoryPerNode ?? '64Gi' };
}

/**
 * Seed 002's shape: three machines sharing the declared capacity, one per zone, so that spread
 * and anti-affinity rules meet several nodes.
 */
export function threeNodeShape(capacity: NodeCapacity | undefined): NodeShape {
  const d = declaredShape(capacity);
  const total = (q: string, n: number) => Number.parseFloat(q) * n;
  const unit = (q: string) => q.replace(/^[\d.]+/, '');
  return {
    count: 3,
    cpu: String(Math.ceil(total(d.cpu, d.count) / 3)),
    memory: `${Math.ceil(total(d.memory, d.count) / 3)}${unit(d.memory)}`,
  };
}

export interface SyncResult extends ApplyResult {
  /** Stops the volume provisioner. */
  readonly stop: () => Promise<void>;
}

/**
 * Prepares the cluster (nodes, local-path StorageClass, provisioner), installs the operators'
 * CRDs (the files the offline validator reads) and applies folders as Argo CD would.
 */
export async function syncFolders(cp: ControlPlane, folders: string[], root: string, shape: NodeShape): Promise<SyncResult> {
  const stop = await prepareCluster(cp.client, shape);
  const crdFindings = await installCrds(cp.client, crdObjects([crdsDir()]));
  const result = await applyFolders(cp.client, folders, root);
  return { ...result, findings: [...crdFindings, ...result.findings], stop };
}
