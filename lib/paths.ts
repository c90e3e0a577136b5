import * as path from 'node:path';

// Set by scripts/launch.cjs when it bundles an entry point, whose __dirname is then the bundle's.
declare const __PLATFORM_ROOT__: string | undefined;

/** The repository root: where dist/, argocd/ and node_modules live. */
export const REPO_ROOT: string = typeof __PLATFORM_ROOT__ === 'string' ? __PLATFORM_ROOT__ : path.resolve(__dirname, '..');
