import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CelOutcome } from './evaluate';

// Evaluating CEL costs loading cel-js and walking each custom resource; both repeat on every synth
// for objects that did not change. The outcome of an object (its bytes) under a CRD schema (its
// cache key) never changes, so it is kept in one small file.

const FILE = 'cel-verdicts.json';
// Enough for a few platforms' worth of custom resources; the oldest entries go first.
const MAX_ENTRIES = 5000;

export class CelVerdicts {
  private readonly file: string;
  private readonly entries: Map<string, CelOutcome>;
  private dirty = false;

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, FILE);
    let stored: Record<string, CelOutcome> = {};
    try {
      stored = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      // No cache yet, or a corrupt one: start empty.
    }
    this.entries = new Map(Object.entries(stored));
  }

  public static key(schemaKey: string, object: unknown): string {
    return createHash('sha256').update(schemaKey).update(JSON.stringify(object)).digest('hex').slice(0, 32);
  }

  /** The cached outcome, or the one `evaluate` computes (then stored). */
  public outcome(key: string, evaluate: () => CelOutcome): CelOutcome {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const outcome = evaluate();
    this.entries.set(key, outcome);
    this.dirty = true;
    return outcome;
  }

  public save(): void {
    if (!this.dirty) return;
    const kept = [...this.entries].slice(-MAX_ENTRIES);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(Object.fromEntries(kept)));
    fs.renameSync(temp, this.file);
    this.dirty = false;
  }
}
