// Sorting PostgreSQL failures into "the database is unavailable" (503, retry later)
// and "this value cannot be stored" (422: the client sent it), so neither becomes a 500.

interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function isUnavailable(error: unknown): boolean {
  const { code, message = '' } = (error ?? {}) as PgLikeError;
  if (code && NETWORK_CODES.has(code)) return true;
  // 08: connection exception; 57P0x: shutdown/crash; 57014: statement timeout; 53: out of resources
  if (code && (code.startsWith('08') || code.startsWith('57P') || code === '57014' || code.startsWith('53'))) return true;
  return (
    message.includes('Connection terminated') ||
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('Query read timeout') ||
    message.includes('Client has encountered a connection error') ||
    message.includes('Cannot use a pool after calling end')
  );
}

/** 22xxx: data exceptions such as an unpaired surrogate in JSON or a value out of range. */
export const isBadData = (error: unknown): boolean => ((error ?? {}) as PgLikeError).code?.startsWith('22') ?? false;

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const e = (error ?? {}) as PgLikeError;
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
};

export const isForeignKeyViolation = (error: unknown, constraint?: string): boolean => {
  const e = (error ?? {}) as PgLikeError;
  return e.code === '23503' && (constraint === undefined || e.constraint === constraint);
};
