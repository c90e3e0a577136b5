import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * sha256 of files, remembered by path, size and modification time in a small file of the cache
 * folder: hashing every vendored schema costs about 20 ms, a stat of each well under one.
 */
export class ContentHashes {
  private readonly file: string;
  private readonly known: Record<string, string>;

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, 'content-hashes.json');
    try {
      this.known = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch {
      this.known = {};
    }
  }

  public of(file: string): string {
    const stat = fs.statSync(file);
    const stamp = `${stat.size}:${stat.mtimeMs}:`;
    const known = this.known[file];
    if (known?.startsWith(stamp)) return known.slice(stamp.length);
    const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    this.known[file] = `${stamp}${hash}`;
    // Copies of the project (tests make many) come and go: forget the files that are gone.
    for (const known of Object.keys(this.known)) if (!fs.existsSync(known)) delete this.known[known];
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.known));
    fs.renameSync(temp, this.file);
    return hash;
  }
}
