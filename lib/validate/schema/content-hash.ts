import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { VerifiedByStat } from '../../verified-by-stat';

/**
 * sha256 of files, remembered by their stat (lib/verified-by-stat.ts) in the cache folder:
 * hashing every vendored schema costs about 20 ms, a stat of each well under one.
 */
export class ContentHashes {
  private readonly known: VerifiedByStat<string>;

  constructor(cacheDir: string) {
    this.known = new VerifiedByStat<string>('content-hashes', cacheDir);
  }

  public of(file: string): string {
    return this.known.get(file, [file], () => createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
  }
}
