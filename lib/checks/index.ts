import type { Platform } from '../platform/platform';
import type { RenderedObject } from '../synth/render';
import { gpuShortfalls } from './gpus';
import { missingSources } from './secret-sources';
import { undeclaredConnections } from './service-references';
import { unusedData } from './unused-data';

/** What synthesis refuses (errors) and reports (warnings) beyond the object-by-object validator. */
export interface PlatformCheckResult {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Checks across the whole platform that what the rendered pods will do is what the charts declare:
 * every Service they name is reachable, every Secret and ConfigMap they read has a source, every
 * GPU they ask for exists and has its device plugin, and every database or cache has a client.
 */
export function checkPlatform(platform: Platform, objects: RenderedObject[]): PlatformCheckResult {
  return {
    errors: [...undeclaredConnections(platform, objects), ...missingSources(platform, objects), ...gpuShortfalls(platform, objects)],
    warnings: unusedData(platform, objects),
  };
}
