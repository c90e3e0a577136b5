import { containsNul, isHttpUrl, jsonDepth } from '../lib/validation.js';

// Row checks for the seed files. They mirror the API's field limits, so an imported row
// is one the API could have created (imported short codes may differ in shape).

const MAX_INT = 2_147_483_647;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;
const NUL = '\u0000';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  created_at: string | null;
}
export interface UrlRow {
  id: number;
  user_id: number;
  short_code: string;
  original_url: string;
  title: string;
  is_active: boolean;
  created_at: string | null;
  updated_at: string | null;
}
export interface EventRow {
  id: number;
  url_id: number | null;
  user_id: number | null;
  event_type: string;
  timestamp: string | null;
  details: string;
}

// Columns a file must have; the others (times, title, is_active, details) have defaults.
export const USER_COLUMNS = ['id', 'username', 'email'] as const;
export const URL_COLUMNS = ['id', 'user_id', 'short_code', 'original_url'] as const;
export const EVENT_COLUMNS = ['id', 'url_id', 'user_id', 'event_type'] as const;

class RowError extends Error {}

function id(value: string | undefined, field: string, optional = false): number | null {
  const text = (value ?? '').trim();
  if (text === '' && optional) return null;
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) < 1 || Number(text) > MAX_INT) throw new RowError(`${field}: not a valid id`);
  return Number(text);
}

function text(value: string | undefined, field: string, max: number, { required = true } = {}): string {
  const result = value ?? '';
  if (required && result.trim() === '') throw new RowError(`${field}: must not be empty`);
  if (result.length > max) throw new RowError(`${field}: longer than ${max} characters`);
  if (result.includes(NUL)) throw new RowError(`${field}: contains a NUL character`);
  return result;
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) as PostgreSQL `timestamp` input; null when empty. */
function time(value: string | undefined, field: string): string | null {
  const raw = (value ?? '').trim();
  if (raw === '') return null;
  const match = TIME.exec(raw);
  if (!match) throw new RowError(`${field}: expected YYYY-MM-DD HH:MM:SS`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) {
    throw new RowError(`${field}: not a valid date and time`);
  }
  return raw.replace('T', ' ');
}

function bool(value: string | undefined, field: string): boolean {
  const raw = (value ?? '').trim().toLowerCase();
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new RowError(`${field}: expected True or False`);
}

const guard =
  <T>(convert: (record: Record<string, string>) => T) =>
  (record: Record<string, string>): T | string => {
    try {
      return convert(record);
    } catch (error) {
      if (error instanceof RowError) return error.message;
      throw error;
    }
  };

export const toUserRow = guard<UserRow>((r) => {
  const email = text(r.email, 'email', 254).trim();
  if (!EMAIL.test(email)) throw new RowError('email: not a valid email address');
  return { id: id(r.id, 'id')!, username: text(r.username, 'username', 80), email, created_at: time(r.created_at, 'created_at') };
});

export const toUrlRow = guard<UrlRow>((r) => {
  const shortCode = text(r.short_code, 'short_code', 64).trim();
  if (/[\u0000-\u001f\u007f/]/.test(shortCode)) throw new RowError('short_code: contains a control character or a slash');
  const originalUrl = text(r.original_url, 'original_url', 2048).trim();
  if (!isHttpUrl(originalUrl)) throw new RowError('original_url: not an absolute http(s) URL');
  return {
    id: id(r.id, 'id')!,
    user_id: id(r.user_id, 'user_id')!,
    short_code: shortCode,
    original_url: originalUrl,
    title: text(r.title, 'title', 200, { required: false }),
    is_active: r.is_active === undefined || r.is_active === '' ? true : bool(r.is_active, 'is_active'),
    created_at: time(r.created_at, 'created_at'),
    updated_at: time(r.updated_at, 'updated_at'),
  };
});

export const toEventRow = guard<EventRow>((r) => {
  let details: unknown;
  try {
    details = JSON.parse(r.details || '{}');
  } catch {
    throw new RowError('details: not valid JSON');
  }
  if (details === null || typeof details !== 'object' || Array.isArray(details)) throw new RowError('details: not a JSON object');
  if (jsonDepth(details) > 64) throw new RowError('details: nested deeper than 64 levels');
  if (containsNul(details)) throw new RowError('details: contains a NUL character');
  const serialized = JSON.stringify(details);
  return {
    id: id(r.id, 'id')!,
    url_id: id(r.url_id, 'url_id', true),
    user_id: id(r.user_id, 'user_id', true),
    event_type: text(r.event_type, 'event_type', 50),
    timestamp: time(r.timestamp, 'timestamp'),
    details: serialized,
  };
});
