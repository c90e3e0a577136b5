import type { Resources } from '../model';

/**
 * Requests and limits for an operator's container. Both limits are set: a container without one
 * gets the LimitRange's default at admission, which the namespace's quota, sized from the
 * rendered objects, would not have counted.
 */
export function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/** Why a controller with no readiness endpoint needs none. */
export const NO_READINESS_ENDPOINT = 'a controller that serves no endpoint: no Service sends it traffic, so readiness gates nothing, and upstream offers no readiness endpoint';
