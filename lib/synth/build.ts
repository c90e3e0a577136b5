import { PlatformError } from '../errors';
import type { Platform } from '../platform/platform';

// The constructs library's message for two children with one id; it names the parent's path only
// below the root, so a clash between two charts names no path at all.
const DUPLICATE_ID = /^There is already a Construct with name '([^']*)' in (\S+)(?: \[(.*)\])?/;

/**
 * Runs the function that builds the platform, turning a duplicate construct id (a chart added
 * twice, two constructs with one id in a chart) into a PlatformError with the path at fault.
 */
export function buildPlatformChecked(build: () => Platform): Platform {
  try {
    return build();
  } catch (error) {
    const match = error instanceof Error && !(error instanceof PlatformError) ? DUPLICATE_ID.exec(error.message) : null;
    if (!match) throw error;
    const [, id, , parent] = match;
    const where = parent ? `${parent}/${id}` : id;
    const scope = parent ? `construct ${parent}` : 'the platform';
    throw new PlatformError(`${where}: id: "${id}" is already used in ${scope}; give each ${parent ? 'construct' : 'chart'} its own id (the second argument of new ...(scope, id))`);
  }
}
