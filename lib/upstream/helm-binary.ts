import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../errors';
import { REPO_ROOT, platformCacheDir } from '../paths';

/** The Go module that pins Helm (`helm.sh/helm/v3`), and the script that builds it. */
export const HELM_MODULE = 'tools/helm';
export const HELM_BUILD_SCRIPT = 'scripts/build-helm.sh';

export { platformCacheDir };

/** The pinned Helm: its version and a hash of the pins, which names its build folder (as build-helm.sh computes it). */
export interface HelmPin {
  readonly version: string;
  readonly key: string;
  /**
   * sha256 of go.mod and go.sum alone: the code Helm is built from. A rendering depends on this, not
   * on how build-helm.sh builds it, so a change to the script keeps every rendering record.
   */
  readonly modules: string;
}

export function helmPin(root = REPO_ROOT): HelmPin {
  const read = (file: string) => fs.readFileSync(path.join(root, file));
  const goMod = read(`${HELM_MODULE}/go.mod`);
  const version = /^\s*helm\.sh\/helm\/v3 (v[0-9.]+)/m.exec(goMod.toString())?.[1];
  if (!version) throw new PlatformError(`${HELM_MODULE}/go.mod: does not require helm.sh/helm/v3`);
  const goSum = read(`${HELM_MODULE}/go.sum`);
  const key = createHash('sha256').update(Buffer.concat([goMod, goSum, read(HELM_BUILD_SCRIPT)])).digest('hex').slice(0, 12);
  const modules = `sha256:${createHash('sha256').update(Buffer.concat([goMod, goSum])).digest('hex')}`;
  return { version, key, modules };
}

/** Path of the pinned Helm binary, whether or not it is built. */
export function helmBinaryPath(root = REPO_ROOT): string {
  const pin = helmPin(root);
  return path.join(platformCacheDir(root), 'helm', `${pin.version}-${pin.key}`, 'helm');
}

/**
 * The pinned Helm binary, built first (scripts/build-helm.sh, a few minutes from the Go module
 * proxy) when it is missing. Fails naming the command when it cannot be built.
 */
export function ensureHelm(root = REPO_ROOT): string {
  const binary = helmBinaryPath(root);
  if (fs.existsSync(binary)) return binary;
  process.stderr.write(`helm ${helmPin(root).version} is not built yet: running ${HELM_BUILD_SCRIPT} (once; it builds Helm from the Go module proxy)\n`);
  const run = spawnSync('bash', [path.join(root, HELM_BUILD_SCRIPT)], {
    cwd: root,
    env: { ...process.env, HELM_CACHE_DIR: path.dirname(path.dirname(binary)) },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (run.status !== 0 || !fs.existsSync(binary)) {
    throw new PlatformError(`helm: the pinned Helm is not built and ${HELM_BUILD_SCRIPT} failed (exit ${run.status ?? run.signal}); run \`npm run helm:build\` to see why (it needs Go, or root to install it)`);
  }
  return binary;
}
