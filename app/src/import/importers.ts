import type { PoolClient } from 'pg';
import type { EventRow, UrlRow, UserRow } from './rows.js';

export interface ImportResult {
  /** rows newly inserted */
  imported: number;
  /** rows whose id already existed: left as they are */
  existing: number;
  /** rows not inserted for another reason: an email, short code or referenced row conflict */
  skipped: number;
}

const CHUNK = 5000;

type Table = 'users' | 'urls' | 'events';

/** Keeps the first row for each id: later duplicates in the same file are left out like existing ones. */
function firstById<T extends { id: number }>(rows: T[]): { unique: T[]; duplicates: number } {
  const seen = new Set<number>();
  const unique = rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
  return { unique, duplicates: rows.length - unique.length };
}

async function countExisting(client: PoolClient, table: Table, ids: number[]): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::bigint[])`, [ids]);
  return rows[0]!.n;
}

/** Moves the id sequence past the largest id, so rows created later do not collide with imported ones. */
export async function moveSequencePast(client: PoolClient, table: Table): Promise<void> {
  const { rows } = await client.query<{ seq: string }>(`SELECT pg_get_serial_sequence($1, 'id') AS seq`, [table]);
  const seq = rows[0]!.seq;
  await client.query(
    `SELECT setval($1::regclass, GREATEST(
       (SELECT COALESCE(max(id), 0) + 1 FROM ${table}),
       (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM ${seq})
     ), false)`,
    [seq],
  );
}

async function importChunks<T extends { id: number }>(
  client: PoolClient,
  table: Table,
  rows: T[],
  insert: (chunk: T[]) => Promise<number>,
): Promise<ImportResult> {
  const { unique, duplicates } = firstById(rows);
  const result: ImportResult = { imported: 0, existing: duplicates, skipped: 0 };
  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK);
    const existing = await countExisting(
      client,
      table,
      chunk.map((row) => row.id),
    );
    const inserted = await insert(chunk);
    result.imported += inserted;
    result.existing += existing;
    result.skipped += chunk.length - inserted - existing;
  }
  await moveSequencePast(client, table);
  return result;
}

// `ON CONFLICT DO NOTHING` without a target covers both the id and the email/short code:
// existing ids are counted before the insert, so what remains uninserted was a conflict.

export function importUsers(client: PoolClient, rows: UserRow[]): Promise<ImportResult> {
  return importChunks(client, 'users', rows, async (chunk) => {
    const { rowCount } = await client.query(
      `INSERT INTO users (id, username, email, created_at)
       SELECT t.id, t.username, t.email, COALESCE(t.created_at::timestamp AT TIME ZONE 'UTC', now())
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(id, username, email, created_at, n)
       ORDER BY t.n
       ON CONFLICT DO NOTHING`,
      [chunk.map((r) => r.id), chunk.map((r) => r.username), chunk.map((r) => r.email), chunk.map((r) => r.created_at)],
    );
    return rowCount ?? 0;
  });
}

export function importUrls(client: PoolClient, rows: UrlRow[]): Promise<ImportResult> {
  return importChunks(client, 'urls', rows, async (chunk) => {
    const { rowCount } = await client.query(
      `INSERT INTO urls (id, user_id, short_code, original_url, title, is_active, created_at, updated_at)
       SELECT t.id, t.user_id, t.short_code, t.original_url, t.title, t.is_active,
              COALESCE(t.created_at::timestamp AT TIME ZONE 'UTC', now()),
              COALESCE(t.updated_at::timestamp AT TIME ZONE 'UTC', t.created_at::timestamp AT TIME ZONE 'UTC', now())
       FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], $8::text[])
            WITH ORDINALITY AS t(id, user_id, short_code, original_url, title, is_active, created_at, updated_at, n)
       WHERE EXISTS (SELECT 1 FROM users WHERE users.id = t.user_id)
       ORDER BY t.n
       ON CONFLICT DO NOTHING`,
      [
        chunk.map((r) => r.id),
        chunk.map((r) => r.user_id),
        chunk.map((r) => r.short_code),
        chunk.map((r) => r.original_url),
        chunk.map((r) => r.title),
        chunk.map((r) => r.is_active),
        chunk.map((r) => r.created_at),
        chunk.map((r) => r.updated_at),
      ],
    );
    return rowCount ?? 0;
  });
}

export function importEvents(client: PoolClient, rows: EventRow[]): Promise<ImportResult> {
  return importChunks(client, 'events', rows, async (chunk) => {
    const { rowCount } = await client.query(
      `INSERT INTO events (id, url_id, user_id, event_type, "timestamp", details)
       SELECT t.id, t.url_id, t.user_id, t.event_type, COALESCE(t.ts::timestamp AT TIME ZONE 'UTC', now()), t.details::jsonb
       FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[])
            WITH ORDINALITY AS t(id, url_id, user_id, event_type, ts, details, n)
       -- locked as foreign key checks would lock them: events have none (migration 3)
       WHERE (t.url_id IS NULL OR EXISTS (SELECT 1 FROM urls WHERE urls.id = t.url_id FOR KEY SHARE))
         AND (t.user_id IS NULL OR EXISTS (SELECT 1 FROM users WHERE users.id = t.user_id FOR KEY SHARE))
       ORDER BY t.n
       ON CONFLICT DO NOTHING`,
      [
        chunk.map((r) => r.id),
        chunk.map((r) => r.url_id),
        chunk.map((r) => r.user_id),
        chunk.map((r) => r.event_type),
        chunk.map((r) => r.timestamp),
        chunk.map((r) => r.details),
      ],
    );
    return rowCount ?? 0;
  });
}

/** Runs `work` in a transaction on its own client: an import is applied whole or not at all. */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
