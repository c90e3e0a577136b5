/**
 * The order the suite's files run in (test/support/sequencer.ts): the longest first, by the times
 * of the runs before, kept where a fresh clone finds them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { longestFirst, readTestTimes, recordTestTimes } from './support/test-times';
import { tempDir } from './support/platform';

describe('the order of the test files', () => {
  it('puts the files with no time first, as given, then the longest first', () => {
    const times = new Map([['a', 5], ['b', 50], ['c', 20], ['e', 20]]);
    expect(longestFirst(['a', 'b', 'new1', 'c', 'e', 'new2'], f => f, times)).toEqual(['new1', 'new2', 'b', 'c', 'e', 'a']);
    expect(longestFirst(['x', 'y'], f => f, new Map())).toEqual(['x', 'y']);
  });

  describe('the times of the runs before', () => {
    const previous = process.env.PLATFORM_STORE_DIR;
    const made: string[] = [];
    const dir = () => { const d = tempDir('platform-times-'); made.push(d); return d; };
    afterEach(() => {
      if (previous === undefined) delete process.env.PLATFORM_STORE_DIR;
      else process.env.PLATFORM_STORE_DIR = previous;
      for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    });

    it("merges each run's into the clone's and the store's, which a fresh clone reads", () => {
      process.env.PLATFORM_STORE_DIR = dir();
      const clone = dir();
      recordTestTimes(clone, [{ file: 'test/a.test.ts', ms: 10 }, { file: 'test/b.test.ts', ms: 20 }]);
      recordTestTimes(clone, [{ file: 'test/a.test.ts', ms: 30 }]);
      const expected = new Map([['test/a.test.ts', 30], ['test/b.test.ts', 20]]);
      expect(readTestTimes(clone)).toEqual(expected);
      expect(fs.existsSync(path.join(clone, '.cache/test-times.json'))).toBe(true);
      expect(readTestTimes(dir())).toEqual(expected);
    });

    it('keeps them in the clone only when the store is off', () => {
      process.env.PLATFORM_STORE_DIR = 'off';
      const clone = dir();
      recordTestTimes(clone, [{ file: 'test/a.test.ts', ms: 10 }]);
      expect(readTestTimes(clone)).toEqual(new Map([['test/a.test.ts', 10]]));
      expect(readTestTimes(dir())).toEqual(new Map());
    });
  });
});
