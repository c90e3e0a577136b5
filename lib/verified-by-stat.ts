import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { platformCacheDir } from './paths';

/**
 * What an expensive check of files found (a chart folder's digest, a rendering record's soundness,
 * a schema file's hash), kept in `<cache>/verified/<kind>.json` beside a digest of the size, time
 * and inode of each file it read, so
 * that a later synth reads the answer instead of hashing megabytes again. Any change to a file
 * (an edit, a checkout, a copy) changes its stamp and the check runs again; a missing or damaged
 * memo file only costs the checks.
 */
export class VerifiedByStat<T> {
  private readonly file: string;
  private entries?: Record<string, { stamp: string; value: T }>;
  private dirty = false;

  constructor(kind: string, cacheDir = platformCacheDir()) {
    this.file = path.join(cacheDir, 'verified', `${kind}.json`);
  }

  /** `compute()`, or what it gave last time `files` had the same stamps; `key` is a path that exists while the answer is wanted. */
  public get(key: string, files: readonly string[], compute: () => T): T {
    const entries = this.load();
    const stamp = stampOf(files);
    const known = entries[key];
    if (stamp !== undefined && known?.stamp === stamp.text) return known.value;
    const value = compute();
    // A file changed within the clock's tick could change again with the same stamp (git's
    // "racy clean" case): such an answer is not kept until the file has aged.
    if (stamp !== undefined && stamp.newestMs < Date.now() - RACY_MS) {
      entries[key] = { stamp: stamp.text, value };
      this.dirty = true;
    }
    return value;
  }

  /**
   * Writes what changed, atomically, forgetting the keys whose path is gone (the copies of the
   * project tests and `npm run diff` make come and go); a failure only means the checks run again.
   */
  public save(): void {
    if (!this.dirty || !this.entries) return;
    for (const key of Object.keys(this.entries)) if (!fs.existsSync(key)) delete this.entries[key];
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const partial = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify(this.entries));
      fs.renameSync(partial, this.file);
      this.dirty = false;
    } catch {
      // read-only cache: nothing is lost but time
    }
  }

  private load(): Record<string, { stamp: string; value: T }> {
    if (!this.entries) {
      try {
        const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
        this.entries = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, { stamp: string; value: T }> : {};
      } catch {
        this.entries = {};
      }
      saveAtExit(this);
    }
    return this.entries;
  }
}

/** Every memo read in this process, saved by one exit listener however many there are. */
const toSave = new Set<VerifiedByStat<unknown>>();
function saveAtExit(memo: VerifiedByStat<unknown>): void {
  if (toSave.size === 0) process.once('exit', () => toSave.forEach(m => m.save()));
  toSave.add(memo);
}

/** Files modified this recently are checked every time. */
const RACY_MS = 2000;

/** A digest of the size, modification time and inode of every file, and the newest time; undefined when one cannot be read. */
function stampOf(files: readonly string[]): { text: string; newestMs: number } | undefined {
  const parts: string[] = [];
  let newestMs = 0;
  for (const file of files) {
    try {
      const s = fs.statSync(file, { bigint: true });
      parts.push(`${file}:${s.size}:${s.mtimeNs}:${s.ino}`);
      newestMs = Math.max(newestMs, Number(s.mtimeMs));
    } catch {
      return undefined;
    }
  }
  // A digest: a chart folder's stamps name every file of it.
  return { text: createHash('sha256').update(parts.join('\n')).digest('base64url'), newestMs };
}
