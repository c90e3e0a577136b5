/**
 * Where the tests keep their temporary files (test/support/tmpfs.ts): shared memory when it has room,
 * else wherever TMPDIR or the system says.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testTempDir } from './support/tmpfs';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tmpfs-test-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe("the tests' temporary folder", () => {
  it('is shared memory when TMPDIR names no place and it has room', () => {
    expect(testTempDir({}, '/dev/shm')).toBe('/dev/shm');
    expect(testTempDir({}, folder, 1)).toBe(folder);
  });

  it('is what TMPDIR names when it names one', () => {
    expect(testTempDir({ TMPDIR: '/var/tmp' }, '/dev/shm')).toBeUndefined();
  });

  it('is the system default where there is no shared memory, or too little of it', () => {
    expect(testTempDir({}, '/no/such/folder')).toBeUndefined();
    expect(testTempDir({}, folder, Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });
});
