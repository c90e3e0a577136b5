import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const SHORT_CODE_LENGTH = 6;

/** Top-level path segments the service routes itself; `GET /<code>` must never shadow them. */
export const RESERVED_CODES = new Set(['health', 'ready', 'metrics', 'users', 'urls', 'events']);

export const isReserved = (code: string): boolean => RESERVED_CODES.has(code.toLowerCase());

/** A random `[A-Za-z0-9]{6}` code that is not a route name (checked case-insensitively). */
export function generateShortCode(): string {
  for (;;) {
    let code = '';
    while (code.length < SHORT_CODE_LENGTH) {
      for (const byte of randomBytes(16)) {
        // 248 = 4 * 62: rejecting the rest keeps every character equally likely
        if (byte < 248 && code.length < SHORT_CODE_LENGTH) code += ALPHABET[byte % 62];
      }
    }
    if (!isReserved(code)) return code;
  }
}
