import * as path from 'node:path';

// Set by scripts/launch.cjs before it runs a bundle, whose __dirname is the bundle's folder.
declare const __PLATFORM_ROOT__: string | undefined;

/** The repository root: where dist/, argocd/ and node_modules live. */
export const REPO_ROOT: string = typeof __PLATFORM_ROOT__ === 'string' ? __PLATFORM_ROOT__ : path.resolve(__dirname, '..');

/**
 * Where synthesis and validation keep what they build and cache (Helm, rendered charts, parsed
 * YAML): `.cache/` of the repository, or `PLATFORM_CACHE_DIR` (`npm run diff` points another
 * revision's synth at ours).
 */
export function platformCacheDir(root = REPO_ROOT): string {
  return process.env.PLATFORM_CACHE_DIR ?? path.join(root, '.cache');
}
