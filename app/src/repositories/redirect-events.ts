import type { Pool } from 'pg';
import { isForeignKeyViolation } from '../db/errors.js';

export interface RedirectEvent {
  urlId: number;
  originalUrl: string;
  /** epoch milliseconds of the redirect */
  at: number;
}

// One statement per batch. The join takes short_code and owner from the row itself and
// drops events whose URL was deleted since the redirect.
const INSERT_BATCH = `
  INSERT INTO events (url_id, user_id, event_type, "timestamp", details)
  SELECT u.id, u.user_id, 'redirect', to_timestamp(t.at / 1000.0),
         jsonb_build_object('short_code', u.short_code, 'original_url', t.original_url)
  FROM unnest($1::int[], $2::text[], $3::float8[]) AS t(url_id, original_url, at)
  JOIN urls u ON u.id = t.url_id`;

export async function insertRedirectEvents(pool: Pool, events: RedirectEvent[]): Promise<number> {
  const values = [events.map((e) => e.urlId), events.map((e) => e.originalUrl), events.map((e) => e.at)];
  try {
    return (await pool.query(INSERT_BATCH, values)).rowCount ?? 0;
  } catch (error) {
    // a URL deleted while this statement ran: the join skips it on a second try
    if (!isForeignKeyViolation(error)) throw error;
    return (await pool.query(INSERT_BATCH, values)).rowCount ?? 0;
  }
}
