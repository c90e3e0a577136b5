import { createHash } from 'node:crypto';

/** A short, stable digest of config content, for pod annotations that roll pods when it changes. */
export function checksum(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}
