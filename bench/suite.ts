/**
 * The test suite's wall time, from what the last `npm test` left in .cache/: its pretest's time
 * (scripts/prepare-tests.sh), the type-check's and vitest's (scripts/run-tests.sh), and vitest's JSON
 * report (each file's time). `npm run bench -- --suite` runs `npm test` and reports it; `.ci/run`
 * prints it after its `npm test` (`node --import tsx bench/suite.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Figure } from './figure';

export interface SuiteRun {
  pretestMs: number;
  typecheckMs: number;
  vitestMs: number;
  tests: number;
  failed: number;
  /** Each test file with its duration, slowest first. */
  files: { file: string; ms: number }[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The last `npm test` of the repository at root, as its files in .cache/ tell it. */
export function lastSuiteRun(root: string): SuiteRun {
  const cache = path.join(root, '.cache');
  const report = readJson(path.join(cache, 'test-report.json'));
  const times = readJson(path.join(cache, 'test-run.json'));
  const files = (report.testResults as any[])
    .map(r => ({ file: path.relative(root, r.name), ms: r.endTime - r.startTime }))
    .sort((a, b) => b.ms - a.ms);
  return {
    pretestMs: readJson(path.join(cache, 'prepare-tests.json')).ms,
    typecheckMs: times.typecheckMs,
    vitestMs: times.vitestMs,
    tests: report.numTotalTests,
    failed: report.numFailedTests,
    files,
  };
}

/** `npm test`'s wall time (measured around it) and its steps, as the bench's figures. */
export function suiteFigures(run: SuiteRun, wallMs: number, slowest = 5): Figure[] {
  return [
    {
      name: `npm test: pretest ${s(run.pretestMs)}, type-check ${s(run.typecheckMs)}, vitest ${s(run.vitestMs)} (${run.tests} tests in ${run.files.length} files${run.failed ? `, ${run.failed} FAILED` : ''})`,
      value: s(wallMs),
      target: '≤ 8 min',
      met: run.failed === 0 && wallMs <= 8 * 60_000,
    },
    {
      name: `npm test: the ${slowest} slowest test files (time each took, beside the others)`,
      value: run.files.slice(0, slowest).map(f => `${path.basename(f.file)} ${s(f.ms)}`).join(', '),
    },
  ];
}

/** The lines `.ci/run` prints. */
export function suiteLines(run: SuiteRun, slowest = 8): string[] {
  return [
    `npm test: pretest ${s(run.pretestMs)}, type-check ${s(run.typecheckMs)}, vitest ${s(run.vitestMs)}; ${run.tests} tests in ${run.files.length} files${run.failed ? `, ${run.failed} failed` : ''}`,
    `slowest files: ${run.files.slice(0, slowest).map(f => `${f.file} ${s(f.ms)}`).join(', ')}`,
  ];
}

if (require.main === module) {
  for (const line of suiteLines(lastSuiteRun(path.resolve(__dirname, '..')))) console.log(line);
}
