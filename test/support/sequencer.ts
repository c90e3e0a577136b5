import * as fs from 'node:fs';
import * as path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { longestFirst, readTestTimes } from './test-times';

/** A test file that boots a control plane, itself or through `npm run cluster:check`. */
const BOOTS_A_CLUSTER = /\bstart(ControlPlane|ArgoCdSync)\(|scripts\/cluster-check\.ts/;

/**
 * The longest files first, by their times in the runs before (test/support/test-times.ts; vitest's
 * order where there are none), and the files that boot a control plane before all others: they
 * are the longest, and without times one of them started last would end the run alone.
 */
export default class ClusterFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = process.cwd();
    const times = readTestTimes(root);
    const sorted = longestFirst(await super.sort(files), f => path.relative(root, f.moduleId), times);
    const first = new Set(sorted.filter(f => BOOTS_A_CLUSTER.test(fs.readFileSync(f.moduleId, 'utf8'))));
    return [...sorted.filter(f => first.has(f)), ...sorted.filter(f => !first.has(f))];
  }
}
