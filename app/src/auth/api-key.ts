import { createHash, randomBytes } from 'node:crypto';

// API keys: 32 random bytes, so a key cannot be guessed, and only their SHA-256 is stored.
// A fast hash is enough for a random 256-bit secret (no dictionary to slow down).

const KEY_PREFIX = 'usk_';
export const DISPLAY_PREFIX_LENGTH = 12;

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/** Bearer token from an Authorization header; undefined when there is none or it is not Bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,200})[ ]*$/i.exec(header);
  return match?.[1];
}
