import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../paths';

/** The programs scripts/build-cluster.sh puts in the cache folder. */
export const CLUSTER_PROGRAMS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'harness'];

/**
 * The folder of the built control plane. Runs scripts/build-cluster.sh, which returns at once
 * when the binaries of the pinned versions are cached, and builds them otherwise (many minutes).
 */
export function clusterBinaries(): string {
  const out = execFileSync(path.join(REPO_ROOT, 'scripts/build-cluster.sh'), [], {
    cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
  });
  const dir = out.trim().split('\n').pop() ?? '';
  for (const program of CLUSTER_PROGRAMS) {
    if (!fs.existsSync(path.join(dir, program))) throw new Error(`scripts/build-cluster.sh did not build ${program} in ${dir}`);
  }
  return dir;
}
