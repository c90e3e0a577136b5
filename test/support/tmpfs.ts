import * as fs from 'node:fs';

/** Room the tests' temporary files take at most at once: the copies of the repository, throwaway servers' data. */
const NEEDED_BYTES = 4 * 1024 ** 3;

/**
 * Where the tests' temporary files go when TMPDIR names no place: shared memory, when the machine has
 * it with room to spare. The tests copy the repository (about 750 files) dozens of times and start
 * throwaway PostgreSQL servers: a copy and its removal took 0.30 s in /tmp on this VM's ext4 and
 * 0.10 s in /dev/shm, and synthesis.test.ts spent 7 to 12 s of system time in /tmp against 4 to 4.5 s
 * in /dev/shm (docs/testing.md). Nothing there outlives the machine's next boot, as nothing should.
 */
export function testTempDir(env: NodeJS.ProcessEnv = process.env, shm = '/dev/shm', neededBytes = NEEDED_BYTES): string | undefined {
  if (env.TMPDIR) return undefined;
  try {
    const stats = fs.statfsSync(shm);
    if (stats.bavail * stats.bsize < neededBytes) return undefined;
    // Itself, not a folder in it: a throwaway PostgreSQL's socket path, 100 bytes under /tmp, has 107 at most.
    fs.accessSync(shm, fs.constants.W_OK);
    return shm;
  } catch {
    return undefined;
  }
}
