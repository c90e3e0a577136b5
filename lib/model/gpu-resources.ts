/** Who makes a GPU: decides the extended resource, the device plugin and the runtime class. */
export type GpuVendor = 'amd' | 'nvidia';

/** The extended resource each vendor's device plugin advertises on a node. */
export const GPU_RESOURCES: Readonly<Record<GpuVendor, string>> = {
  amd: 'amd.com/gpu',
  nvidia: 'nvidia.com/gpu',
};

/** Whether a resource name is a GPU a device plugin advertises (`amd.com/gpu`, `nvidia.com/gpu`). */
export function isGpuResource(name: string): boolean {
  return Object.values(GPU_RESOURCES).includes(name);
}
