import * as fs from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** A test file that boots a control plane, itself or through `npm run cluster:check`. */
const BOOTS_A_CLUSTER = /\bstart(ControlPlane|ArgoCdSync)\(|scripts\/cluster-check\.ts/;

/**
 * Vitest's order (the slowest files of the last run first, files it has not timed by size), but
 * the files that boot a control plane always first: they are the longest, and a fresh clone has no
 * times to go by, so one of them started last would end the run alone.
 */
export default class ClusterFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = new Set(sorted.filter(f => BOOTS_A_CLUSTER.test(fs.readFileSync(f.moduleId, 'utf8'))));
    return [...sorted.filter(f => first.has(f)), ...sorted.filter(f => !first.has(f))];
  }
}
