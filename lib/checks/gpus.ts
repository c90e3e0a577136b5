import { GPU_DEVICE_PLUGINS } from '../operators/gpu-device-plugins';
import { gpuTotals, vendorOf } from '../platform/gpus';
import type { Platform } from '../platform/platform';
import type { RenderedModel } from '../model/rendered';
import { ownerPath } from './pods';
import { operatorsOf } from '../operators/require-operator';

/**
 * Pods that ask for GPUs the cluster cannot give: no device plugin of their vendor is installed (the
 * resource is never advertised, so they stay Pending), no declared node has that vendor's GPUs, or
 * all of them together (every pod at its maximum count plus each rollout's surge pods) want more
 * GPUs than the declared GPU nodes have.
 */
export function gpuShortfalls(platform: Platform, model: RenderedModel): string[] {
  const errors: string[] = [];
  const installed = new Set(operatorsOf(platform).map(o => o.name));
  const capacity = gpuTotals(platform.gpus);
  const demand = new Map<string, { total: number; parts: string[] }>();

  for (const w of model.workloads) {
    const object = model.objectOf(w);
    const path = object ? ownerPath(object) : `${w.namespace}/${w.name}`;
    for (const [resource, perPod] of Object.entries(w.gpus)) {
      if (perPod <= 0) continue;
      const vendor = vendorOf(resource)!;
      const plugin = GPU_DEVICE_PLUGINS[vendor];
      if (!installed.has(plugin.name)) {
        errors.push(`${path}: ${w.kind} ${w.name} asks for ${resource}, but no construct requires ${plugin.description} (${plugin.name}), so no node advertises it and its pods would stay Pending; ask for the GPU with allocateGpu(), which requires the device plugin`);
      }
      if (!capacity[resource]) {
        errors.push(`${path}: ${w.kind} ${w.name} asks for ${resource}, but PLATFORM_SETTINGS.capacity.gpus declares no ${vendor} GPU nodes`);
        continue;
      }
      const pods = w.pods + w.surge;
      const d = demand.get(resource) ?? { total: 0, parts: [] };
      d.total += pods * perPod;
      d.parts.push(`${path} ${pods} pod${pods === 1 ? '' : 's'} × ${perPod}${w.surge ? ` (with ${w.surge} rollout surge pod${w.surge === 1 ? '' : 's'}: use the Recreate strategy)` : ''}`);
      demand.set(resource, d);
    }
  }
  for (const [resource, d] of [...demand].sort(([a], [b]) => a.localeCompare(b))) {
    if (d.total <= capacity[resource]) continue;
    const pools = platform.gpus.filter(p => p.resource === resource).map(p => `${p.model}: ${p.nodes} node${p.nodes === 1 ? '' : 's'} × ${p.perNode}`);
    errors.push(`pods ask for ${d.total} ${resource} but the nodes have ${capacity[resource]} (PLATFORM_SETTINGS.capacity.gpus ${pools.join(', ')}): ${d.parts.join('; ')}`);
  }
  return errors;
}
