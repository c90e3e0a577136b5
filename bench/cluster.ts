/**
 * The control-plane figures of `npm run bench`: building it (from scratch: an empty Go build cache;
 * from cache: the Go build cache warm, binaries relinked; cached: the binaries already there),
 * starting it, and the whole cluster test. The from-scratch build takes tens of minutes on two
 * cores, so it runs only with `--cluster-scratch`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startControlPlane } from '../lib/cluster/control-plane';
import type { Figure } from './figure';

const ROOT = path.resolve(__dirname, '..');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function build(env: Record<string, string> = {}): number {
  const start = performance.now();
  const run = spawnSync(path.join(ROOT, 'scripts/build-cluster.sh'), [], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(`scripts/build-cluster.sh failed:\n${run.stderr}`);
  return performance.now() - start;
}

export async function clusterFigures(figures: Figure[], scratch: boolean): Promise<void> {
  build(); // make sure the binaries and the Go build cache exist
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-bench-cluster-'));
  try {
    if (scratch) {
      const ms = build({ CLUSTER_CACHE_DIR: path.join(tmp, 'scratch'), GOCACHE: path.join(tmp, 'gocache') });
      figures.push({ name: 'control plane build from scratch (empty Go build cache)', value: s(ms), target: '≤ 90 min (CI)', met: ms <= 90 * 60_000 });
    }
    const relink = build({ CLUSTER_CACHE_DIR: path.join(tmp, 'warm') });
    figures.push({ name: 'control plane build from the Go build cache', value: s(relink) });
    figures.push({ name: 'control plane build, binaries cached (pretest)', value: s(build()) });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const cp = await startControlPlane();
    starts.push(cp.endpoint.startMs);
    await cp.stop();
  }
  const start = [...starts].sort((a, b) => a - b)[1];
  figures.push({ name: 'control plane start (etcd to every component healthy)', value: s(start), target: '≤ 10 s', met: start <= 10_000 });
  const t0 = performance.now();
  const test = spawnSync(path.join(ROOT, 'node_modules/.bin/vitest'), ['run', '--project', 'platform', 'test/control-plane.test.ts', 'test/control-plane-negative.test.ts'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  figures.push({ name: 'cluster tests (both route modes and the negative controls)', value: `${s(ms)}${test.status === 0 ? '' : ', FAILED'}`, target: '≤ 90 s', met: test.status === 0 && ms <= 90_000 });
}
