import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../paths';

/**
 * The folder of the tests' Argo CD (its `argocd` binary and the git wrapper its repo-server calls),
 * built by scripts/build-argocd.sh at the pinned version; that returns at once when it is built,
 * and builds it otherwise (about 15 minutes).
 */
export function argocdBinaries(): string {
  const out = execFileSync(path.join(REPO_ROOT, 'scripts/build-argocd.sh'), [], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
  });
  const dir = out.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(path.join(dir, 'argocd'))) throw new Error(`scripts/build-argocd.sh did not build argocd in ${dir}`);
  return dir;
}
