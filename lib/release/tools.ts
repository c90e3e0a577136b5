import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlatformError } from '../errors';
import { REPO_ROOT } from '../paths';

/**
 * The release and Renovate tooling (semantic-release, Renovate, action-validator) is its own npm
 * package, tools/release, installed by scripts/install-release-tools.sh (pretest, the release
 * jobs) and never by the root `npm ci`. These resolve its modules and programs from there.
 */
export const RELEASE_TOOLS_DIR = path.join(REPO_ROOT, 'tools/release');
export const RELEASE_TOOLS_INSTALL = 'scripts/install-release-tools.sh';

function installed(): string {
  const modules = path.join(RELEASE_TOOLS_DIR, 'node_modules');
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
