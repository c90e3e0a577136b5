import { IConstruct } from 'constructs';
import { fail } from '../errors';
import { GPU_DEVICE_PLUGINS, NVIDIA_RUNTIME_CLASS } from '../operators/gpu-device-plugins';
import { GPU_MODEL_LABEL, GpuVendor } from '../platform/gpus';
import { Platform } from '../platform/platform';
import { requireOperator } from '../operators/require-operator';

/** GPUs for one container, of a model the platform's capacity declares. */
export interface GpuRequest {
  /** A model of `PLATFORM_SETTINGS.capacity.gpus`, e.g. `gfx1103`. */
  readonly model: string;
  /** GPUs of that model; one pod's GPUs come from one node. @default 1 */
  readonly count?: number;
}

/** What asking for GPUs puts into a pod: the extended resource, where it may run, and how. */
export interface GpuAllocation {
  readonly vendor: GpuVendor;
  readonly model: string;
  /** The extended resource in the container's limits, e.g. `amd.com/gpu`. */
  readonly resource: string;
  readonly count: number;
  /** Only the nodes of that model. */
  readonly nodeSelector: Record<string, string>;
  /** `nvidia` for NVIDIA GPUs on K3s; none for AMD, whose device plugin passes the device files. */
  readonly runtimeClassName?: string;
  /** Environment the GPU runtime needs on this model (ROCm's `HSA_OVERRIDE_GFX_VERSION`). */
  readonly env: Record<string, string>;
  /** Groups that own the device files on the node, so a non-root process may open them. */
  readonly supplementalGroups: number[];
}

/**
 * Resolves a GPU request against the declared GPU nodes and requires the vendor's device plugin,
 * as a CloudNativePG Cluster requires its operator: the pod gets its device files from the plugin,
 * never from a privileged container or a hostPath.
 */
export function allocateGpu(scope: IConstruct, field: string, request: GpuRequest): GpuAllocation {
  const platform = Platform.of(scope);
  const pool = platform.gpus.find(p => p.model === request.model);
  if (!pool) {
    const declared = platform.gpus.map(p => p.model);
    fail(scope, `${field}.model`, `no node has a "${request.model}" GPU; declare it in PLATFORM_SETTINGS.capacity.gpus (declared: ${declared.length ? declared.join(', ') : 'none'})`);
  }
  const count = request.count ?? 1;
  if (!Number.isInteger(count) || count < 1) fail(scope, `${field}.count`, `must be a whole number of at least 1 (got ${count})`);
  if (count > pool.perNode) fail(scope, `${field}.count`, `${count} GPUs in one pod, but a "${pool.model}" node has ${pool.perNode}; a pod's GPUs come from one node`);
  requireOperator(scope, GPU_DEVICE_PLUGINS[pool.vendor]);
  return {
    vendor: pool.vendor,
    model: pool.model,
    resource: pool.resource,
    count,
    nodeSelector: { [GPU_MODEL_LABEL]: pool.model },
    runtimeClassName: pool.vendor === 'nvidia' ? NVIDIA_RUNTIME_CLASS : undefined,
    env: pool.hsaOverrideGfxVersion ? { HSA_OVERRIDE_GFX_VERSION: pool.hsaOverrideGfxVersion } : {},
    supplementalGroups: pool.deviceGroups,
  };
}
