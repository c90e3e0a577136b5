import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlatformError } from '../errors';
import { REPO_ROOT } from '../paths';

/**
 * The release and Renovate tooling (semantic-release, Renovate, action-validator) is its own npm
 * package, tools/release, installed by scripts/install-release-tools.sh (the release jobs, and
 * the first use here) and never by the root `npm ci`. These resolve its modules and programs from
 * there, installing it first when it is missing or older than its lock file: only the tests that
 * use it pay for it, not `npm test -- <another file>`.
 */
export const RELEASE_TOOLS_DIR = path.join(REPO_ROOT, 'tools/release');
export const RELEASE_TOOLS_INSTALL = 'scripts/install-release-tools.sh';

let checked = false;

/** tools/release/node_modules, installed by RELEASE_TOOLS_INSTALL (which returns at once when it is up to date). */
function installed(): string {
  const modules = path.join(RELEASE_TOOLS_DIR, 'node_modules');
  if (!checked) {
    const run = spawnSync(path.join(REPO_ROOT, RELEASE_TOOLS_INSTALL), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0) throw new PlatformError(`${RELEASE_TOOLS_INSTALL} failed installing the release tooling: ${(run.stderr || run.error?.message || '').trim().split('\n').slice(-5).join('\n')}`);
    checked = true;
  }
  if (!fs.existsSync(modules)) throw new PlatformError(`${path.relative(REPO_ROOT, modules)}: missing; install the release tooling with ${RELEASE_TOOLS_INSTALL}`);
  return modules;
}

const requireTool = () => {
  installed();
  return createRequire(path.join(RELEASE_TOOLS_DIR, 'package.json'));
};

/** A module of tools/release as a URL for `import()` (ESM packages such as semantic-release). */
export function releaseTool(specifier: string): string {
  return pathToFileURL(requireTool().resolve(specifier)).href;
}

/** A CommonJS module of tools/release, loaded (Renovate's extractors). */
export function requireReleaseTool<T>(specifier: string): T {
  return requireTool()(specifier) as T;
}

/** A program of tools/release (`node_modules/.bin/<name>`). */
export function releaseToolBin(name: string): string {
  const bin = path.join(installed(), '.bin', name);
  if (!fs.existsSync(bin)) throw new PlatformError(`${path.relative(REPO_ROOT, bin)}: missing; tools/release/package.json does not provide ${name}`);
  return bin;
}
