import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './platform';

/** Runs a build or install script of scripts/ and returns the path it prints last; fails naming its error. */
function scriptOutput(script: string): string {
  const result = spawnSync(path.join(REPO_ROOT, 'scripts', script), [], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 1_800_000 });
  const last = result.stdout.trim().split('\n').pop();
  if (result.status !== 0 || !last) throw new Error(`scripts/${script} failed (${result.status}): ${result.stderr.trim()}`);
  return last;
}

/** The rclone of the rclone image's version, built from its Go module (scripts/build-rclone.sh; returns at once once built). */
export function pinnedRclone(): string {
  return scriptOutput('build-rclone.sh');
}

/** The folder of Barman Cloud's programs, from PyPI at the plugin sidecar's versions (scripts/install-barman.sh). */
export function barmanBin(): string {
  return scriptOutput('install-barman.sh');
}
