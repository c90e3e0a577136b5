/**
 * Where the tests keep their temporary files (test/support/tmpfs.ts): shared memory when it has room,
 * else wherever TMPDIR or the system says.
 */
import { describe, expect, it } from 'vitest';
import { testTempDir } from './support/tmpfs';

describe("the tests' temporary folder", () => {
  it('is shared memory when TMPDIR names no place and it has room', () => {
    expect(testTempDir({}, '/dev/shm')).toBe('/dev/shm');
  });

  it('is what TMPDIR names when it names one', () => {
    expect(testTempDir({ TMPDIR: '/var/tmp' }, '/dev/shm')).toBeUndefined();
  });

  it('is the system default where there is no shared memory, or too little of it', () => {
    expect(testTempDir({}, '/no/such/folder')).toBeUndefined();
  });

});
