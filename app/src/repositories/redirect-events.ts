import type { Pool, PoolClient } from 'pg';

/** Redirect events as columns (one array per field): a redirect appends three values, not an object. */
export interface RedirectEvents {
  urlIds: number[];
  originalUrls: string[];
  /** epoch milliseconds of each redirect */
  ats: number[];
}

// One statement per batch. The URL rows are locked as a foreign key check would lock them
// (events have none, see migration 3): a URL deleted meanwhile is skipped, and one deleted
// after waits for this statement, whose rows its trigger then deletes. The join takes
// short_code and owner from the row itself. Each distinct target is sent once ($4), and each
// event names it by its position ($2): a flush of hot links sends a few thousand strings, not one
// per redirect.
const INSERT_BATCH = `
  WITH batch AS (
    SELECT t.url_id, d.original_url, t.at
    FROM unnest($1::int[], $2::int[], $3::float8[]) AS t(url_id, target, at)
    JOIN unnest($4::text[]) WITH ORDINALITY AS d(original_url, n) ON d.n = t.target
  ), live AS (
    SELECT id, user_id, short_code FROM urls WHERE id IN (SELECT url_id FROM batch) FOR KEY SHARE
  )
  INSERT INTO events (url_id, user_id, event_type, "timestamp", details)
  SELECT u.id, u.user_id, 'redirect', to_timestamp(t.at / 1000.0),
         jsonb_build_object('short_code', u.short_code, 'original_url', t.original_url)
  FROM batch t JOIN live u ON u.id = t.url_id`;

const quoted = (text: string) => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/**
 * The batch as PostgreSQL array literals, built here: node-postgres would serialize each element
 * of each array through its generic value conversion, several milliseconds for a flush of ten
 * thousand redirects during which no request is answered (the tail of the redirect latency).
 */
export function batchParameters(events: RedirectEvents): [string, string, string, string] {
  const positions = new Map<string, number>();
  const targets: string[] = [];
  const byPosition = events.originalUrls.map((url) => {
    let position = positions.get(url);
    if (position === undefined) {
      targets.push(quoted(url));
      position = targets.length;
      positions.set(url, position);
    }
    return position;
  });
  return [`{${events.urlIds.join(',')}}`, `{${byPosition.join(',')}}`, `{${events.ats.join(',')}}`, `{${targets.join(',')}}`];
}

export async function insertRedirectEvents(db: Pool | PoolClient, events: RedirectEvents): Promise<number> {
  return (await db.query(INSERT_BATCH, batchParameters(events))).rowCount ?? 0;
}
