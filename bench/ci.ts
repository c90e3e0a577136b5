/**
 * `npm run bench -- --ci`: `.ci/run` as CI runs it, on a clean clone of the repository's HEAD (what
 * is committed, not the working tree), timed around it, with the machine's store as the last run
 * left it (the Go builds, the release tooling, the type-check state, the kept bundles). Its own
 * `ci:` line gives its steps; the clone's .cache/ gives npm test's (bench/suite.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Figure } from './figure';
import { lastSuiteRun, suiteFigures } from './suite';

const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
/** The line `.ci/run` ends with: `ci: npm ci 24 s, npm test 303 s, synth and its check 1 s; 328 s in all`. */
const CI_LINE = /^ci: (.*npm test (\d+) s.*); \d+ s in all$/m;

export function ciFigures(root: string, figures: Figure[]): void {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-bench-ci-'));
  // As a clone anywhere else: the drills run Barman and PostgreSQL from it as the postgres user.
  fs.chmodSync(clone, 0o755);
  try {
    const cloned = spawnSync('git', ['clone', '-q', root, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(`git clone ${root} failed:\n${cloned.stderr}`);
    const start = performance.now();
    const run = spawnSync(path.join(clone, '.ci/run'), [], { cwd: clone, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = performance.now() - start;
    if (run.status !== 0) throw new Error(`.ci/run on a clean clone of ${head} failed (exit ${run.status}):\n${(run.stdout + run.stderr).slice(-4000)}`);
    const [, steps, testS] = CI_LINE.exec(run.stdout) ?? [];
    if (!steps) throw new Error(`.ci/run printed no "ci: ..." line:\n${run.stdout.slice(-2000)}`);
    figures.push({
      name: `.ci/run on a clean clone of ${head}, the builds cached (${steps})`,
      value: s(ms),
      target: '≤ 6 min',
      met: ms <= 6 * 60_000,
      before: 'ci',
    });
    const [test, ...rest] = suiteFigures(lastSuiteRun(clone), Number(testS) * 1000);
    figures.push({ ...test, name: `${test.name}, inside that .ci/run`, before: 'test' }, ...rest);
  } finally {
    fs.rmSync(clone, { recursive: true, force: true });
  }
}
