import { PlatformError } from '../errors';
import { GPU_RESOURCES, GpuVendor } from '../model/gpu-resources';

// The resource names are the model's (it counts GPUs in rendered pods); the platform re-exports them.
export { GPU_RESOURCES, isGpuResource } from '../model/gpu-resources';
export type { GpuVendor } from '../model/gpu-resources';

/**
 * Node label naming the GPU model of a node, set when the node joins (K3s:
 * `--node-label platform.homelab/gpu-model=gfx1103`). GPU pods select it, so a workload built for
 * one model (and its ROCm override) never lands on another.
 */
export const GPU_MODEL_LABEL = 'platform.homelab/gpu-model';

/**
 * ROCm's gfx override per AMD GPU model: ROCm ships kernels for gfx1100 but not for the Radeon
 * 780M's gfx1103, and without `HSA_OVERRIDE_GFX_VERSION=11.0.0` a ROCm process segfaults (exit 139,
 * seed 004). Models ROCm supports need none.
 * @see https://rocm.docs.amd.com/projects/install-on-linux/en/latest/reference/system-requirements.html
 */
export const ROCM_GFX_OVERRIDES: Readonly<Record<string, string>> = {
  gfx1103: '11.0.0',
};

/** Identical GPUs on some of the nodes. */
export interface GpuNodes {
  readonly vendor: GpuVendor;
  /** The model, as the node label `platform.homelab/gpu-model` carries it (AMD: the gfx target, e.g. `gfx1103`). */
  readonly model: string;
  /** How many nodes carry it. @default 1 */
  readonly nodes?: number;
  /** GPUs per node (an iGPU is one). @default 1 */
  readonly perNode?: number;
  /**
   * `HSA_OVERRIDE_GFX_VERSION` for ROCm pods on this model (AMD only).
   * @default ROCM_GFX_OVERRIDES[model]; none for models ROCm supports
   */
  readonly hsaOverrideGfxVersion?: string;
  /**
   * Groups owning the GPU device files on the node (`getent group video render`), added to GPU pods
   * so that a non-root container may open `/dev/kfd` and `/dev/dri/renderD*`.
   * @default []
   */
  readonly deviceGroups?: number[];
}

/** A GPU node group with its defaults resolved. */
export interface GpuPool {
  readonly vendor: GpuVendor;
  readonly model: string;
  readonly nodes: number;
  readonly perNode: number;
  /** The extended resource pods request, e.g. `amd.com/gpu`. */
  readonly resource: string;
  readonly hsaOverrideGfxVersion?: string;
  readonly deviceGroups: number[];
}

const VENDORS = Object.keys(GPU_RESOURCES) as GpuVendor[];

/**
 * The declared GPU node groups with their defaults, checked: known vendor, a model that can be a
 * label value, whole positive counts, no more GPU nodes than nodes, each model once.
 */
export function gpuPools(gpus: readonly GpuNodes[] | undefined, nodes: number): GpuPool[] {
  const pools: GpuPool[] = [];
  const where = (i: number, field: string) => `PLATFORM_SETTINGS.capacity.gpus[${i}].${field}`;
  for (const [i, g] of (gpus ?? []).entries()) {
    if (!VENDORS.includes(g.vendor)) throw new PlatformError(`${where(i, 'vendor')}: "${g.vendor}" is not one of ${VENDORS.join(', ')}`);
    if (!/^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/i.test(g.model)) throw new PlatformError(`${where(i, 'model')}: "${g.model}" is not a valid label value`);
    const count = g.nodes ?? 1;
    const perNode = g.perNode ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new PlatformError(`${where(i, 'nodes')}: must be a whole number of at least 1 (got ${count})`);
    if (!Number.isInteger(perNode) || perNode < 1) throw new PlatformError(`${where(i, 'perNode')}: must be a whole number of at least 1 (got ${perNode})`);
    if (g.vendor !== 'amd' && g.hsaOverrideGfxVersion) throw new PlatformError(`${where(i, 'hsaOverrideGfxVersion')}: is a ROCm setting; ${g.vendor} GPUs do not read it`);
    if (pools.some(p => p.model === g.model)) throw new PlatformError(`${where(i, 'model')}: "${g.model}" is declared twice; give one entry per model`);
    pools.push({
      vendor: g.vendor,
      model: g.model,
      nodes: count,
      perNode,
      resource: GPU_RESOURCES[g.vendor],
      hsaOverrideGfxVersion: g.vendor === 'amd' ? g.hsaOverrideGfxVersion ?? ROCM_GFX_OVERRIDES[g.model] : undefined,
      deviceGroups: [...(g.deviceGroups ?? [])],
    });
  }
  const gpuNodes = pools.reduce((n, p) => n + p.nodes, 0);
  if (gpuNodes > nodes) throw new PlatformError(`PLATFORM_SETTINGS.capacity.gpus: ${gpuNodes} GPU nodes declared, but the cluster has ${nodes} node${nodes === 1 ? '' : 's'}`);
  return pools;
}

/** GPUs of each extended resource the nodes offer, e.g. `{ 'amd.com/gpu': 1 }`. */
export function gpuTotals(pools: readonly GpuPool[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const p of pools) totals[p.resource] = (totals[p.resource] ?? 0) + p.nodes * p.perNode;
  return totals;
}

/** The vendor whose device plugin advertises a GPU resource. */
export function vendorOf(resource: string): GpuVendor | undefined {
  return VENDORS.find(v => GPU_RESOURCES[v] === resource);
}
