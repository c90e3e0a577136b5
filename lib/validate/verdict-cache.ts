import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

// A check whose outcome is a function of an object's bytes and of a schema's code (its key) never
// needs to run twice on the same pair. Loading the compiled validators and running them, and
// loading cel-js and walking each custom resource, repeat on every synth for objects that did not
// change, so their outcomes are kept in one small file per check.

// Besides every entry this run used, enough for a few platforms' worth of objects; the oldest go first.
const MAX_ENTRIES = 5000;

export class VerdictCache<T> {
  private readonly file: string;
  private readonly entries: Map<string, T>;
  private readonly used = new Set<string>();
  private dirty = false;

  /** `fileName` in `cacheDir`, e.g. `cel-verdicts.json`. */
  constructor(cacheDir: string, fileName: string) {
    this.file = path.join(cacheDir, fileName);
    let stored: Record<string, T> = {};
    try {
      stored = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      // No cache yet, or a corrupt one: start empty.
    }
    this.entries = new Map(Object.entries(stored));
  }

  public static key(schemaKey: string, object: unknown): string {
    return createHash('sha256').update(schemaKey).update('\0').update(JSON.stringify(object)).digest('hex').slice(0, 32);
  }

  /** The cached outcome, or the one `evaluate` computes (then stored). */
  public outcome(key: string, evaluate: () => T): T {
    this.used.add(key);
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const outcome = evaluate();
    this.entries.set(key, outcome);
    this.dirty = true;
    return outcome;
  }

  public save(): void {
    if (!this.dirty) return;
    const unused = [...this.entries].filter(([key]) => !this.used.has(key));
    const kept = [...unused.slice(Math.max(0, unused.length - (MAX_ENTRIES - this.used.size))), ...[...this.used].map(key => [key, this.entries.get(key)] as const)];
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(Object.fromEntries(kept)));
    fs.renameSync(temp, this.file);
    this.dirty = false;
  }
}
