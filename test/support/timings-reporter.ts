import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { recordTestTimes } from './test-times';

/** What a run of the suite leaves for bench/suite.ts: each file's time, and the tests' counts. */
export interface SuiteReport {
  tests: number;
  failed: number;
  /** Files that failed outside any test (an import, a hook). */
  failedFiles: number;
  /** Each file, with its time from import to its last hook (what vitest prints beside it), slowest first. */
  files: { file: string; ms: number; startedMs: number }[];
}

/**
 * Writes a SuiteReport to .cache/test-report.json (scripts/run-tests.sh names it as a reporter). Vitest's JSON report times a file from
 * its first test to its last, leaving out the import and the beforeAll that boots a control plane.
 */
export default class TimingsReporter implements Reporter {
  private readonly started = new Map<string, number>();
  private readonly start = Date.now();

  private readonly output: string;

  /** Vitest passes a reporter named on its command line an empty object. */
  constructor(options: { outputFile?: string } = {}) {
    this.output = options.outputFile ?? '.cache/test-report.json';
  }

  onTestModuleStart(module: TestModule): void {
    this.started.set(module.moduleId, Date.now() - this.start);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const files = modules.map(m => {
      const d = m.diagnostic();
      return {
        file: path.relative(process.cwd(), m.moduleId),
        ms: Math.round(d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration),
        startedMs: this.started.get(m.moduleId) ?? 0,
      };
    }).sort((a, b) => b.ms - a.ms);
    const tests = modules.flatMap(m => [...m.children.allTests()]);
    const report: SuiteReport = {
      tests: tests.length,
      failed: tests.filter(t => t.result().state === 'failed').length,
      failedFiles: modules.filter(m => m.errors().length > 0).length,
      files,
    };
    fs.mkdirSync(path.dirname(this.output), { recursive: true });
    fs.writeFileSync(this.output, `${JSON.stringify(report, null, 2)}\n`);
    recordTestTimes(process.cwd(), files);
  }
}
