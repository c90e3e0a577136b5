import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Each test file's time in the runs before (import, hooks and tests), merged run after run: what
 * test/support/sequencer.ts orders the next run by. Kept in .cache/ and in the machine's store
 * (scripts/lib/machine-store.sh), which a fresh clone reads: vitest orders the files of a fresh
 * clone by size, and a CI run (a fresh clone) ended with one lane idle while the other ran files
 * that size had put last.
 */
const LOCAL = '.cache/test-times.json';

function storeFile(): string | undefined {
  const dir = process.env.PLATFORM_STORE_DIR;
  if (dir === 'off') return undefined;
  return path.join(dir || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'platform-store'), 'test-times.json');
}

function read(file: string | undefined): Record<string, number> | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** This clone's times, or else the store's: by file path relative to the repository. */
export function readTestTimes(root: string): Map<string, number> {
  return new Map(Object.entries(read(path.join(root, LOCAL)) ?? read(storeFile()) ?? {}));
}

/** Merges a run's times into this clone's and the store's. A hint only: a write that fails is let go. */
export function recordTestTimes(root: string, files: { file: string; ms: number }[]): void {
  for (const target of [path.join(root, LOCAL), storeFile()]) {
    if (!target) continue;
    try {
      const merged: Record<string, number> = { ...read(target), ...Object.fromEntries(files.map(f => [f.file, f.ms])) };
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(temp, `${JSON.stringify(merged, Object.keys(merged).sort(), 2)}\n`);
      fs.renameSync(temp, target);
    } catch {
      // the next run is ordered as vitest orders it
    }
  }
}

/** The files with no time first (a new file may be long), then the longest first; otherwise as given. */
export function longestFirst<T>(files: T[], keyOf: (file: T) => string, times: Map<string, number>): T[] {
  const rank = files.map((file, index) => ({ file, index, ms: times.get(keyOf(file)) }));
  return rank.sort((a, b) => {
    if (a.ms === undefined || b.ms === undefined) return a.ms === undefined && b.ms === undefined ? a.index - b.index : a.ms === undefined ? -1 : 1;
    return b.ms - a.ms || a.index - b.index;
  }).map(r => r.file);
}
