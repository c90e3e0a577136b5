/**
 * The test suite's wall time, from what the last `npm test` left in .cache/: its pretest's time
 * (scripts/prepare-tests.sh), the type-check's and vitest's (scripts/run-tests.sh), and each file's
 * (test/support/timings-reporter.ts). `npm run bench -- --suite` runs `npm test` and reports it; `.ci/run`
 * prints it after its `npm test` (`node --import tsx bench/suite.ts`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SuiteReport } from '../test/support/timings-reporter';
import type { Figure } from './figure';

export interface SuiteRun {
  pretestMs: number;
  typecheckMs: number;
  vitestMs: number;
  report: SuiteReport;
}

const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The last `npm test` of the repository at root, as its files in .cache/ tell it. */
export function lastSuiteRun(root: string): SuiteRun {
  const cache = path.join(root, '.cache');
  const times = readJson(path.join(cache, 'test-run.json'));
  return {
    pretestMs: readJson(path.join(cache, 'prepare-tests.json')).ms,
    typecheckMs: times.typecheckMs,
    vitestMs: times.vitestMs,
    report: readJson(path.join(cache, 'test-report.json')),
  };
}

const counts = ({ report }: SuiteRun) =>
  `${report.tests} tests in ${report.files.length} files${report.failed + report.failedFiles ? `, ${report.failed} tests and ${report.failedFiles} files FAILED` : ''}`;
const steps = (run: SuiteRun) => `pretest ${s(run.pretestMs)}, type-check ${s(run.typecheckMs)}, vitest ${s(run.vitestMs)}`;
const slowestFiles = (run: SuiteRun, n: number) => run.report.files.slice(0, n).map(f => `${f.file} ${s(f.ms)}`).join(', ');

/** `npm test`'s wall time (measured around it) and its steps, as the bench's figures. */
export function suiteFigures(run: SuiteRun, wallMs: number): Figure[] {
  return [
    {
      name: `npm test, pretest included (${steps(run)}; ${counts(run)})`,
      value: s(wallMs),
      target: '≤ 8 min',
      met: run.report.failed + run.report.failedFiles === 0 && wallMs <= 8 * 60_000,
    },
    { name: 'npm test: the 5 slowest test files (each with the files beside it)', value: slowestFiles(run, 5) },
  ];
}

/** The lines `.ci/run` prints. */
export function suiteLines(run: SuiteRun): string[] {
  return [`npm test: ${steps(run)}; ${counts(run)}`, `slowest files: ${slowestFiles(run, 8)}`];
}

if (require.main === module) {
  for (const line of suiteLines(lastSuiteRun(path.resolve(__dirname, '..')))) console.log(line);
}
