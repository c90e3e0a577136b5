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
// short_code and owner from the row itself.
const INSERT_BATCH = `
  WITH batch AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::float8[]) AS t(url_id, original_url, at)
  ), live AS (
    SELECT id, user_id, short_code FROM urls WHERE id IN (SELECT url_id FROM batch) FOR KEY SHARE
  )
  INSERT INTO events (url_id, user_id, event_type, "timestamp", details)
  SELECT u.id, u.user_id, 'redirect', to_timestamp(t.at / 1000.0),
         jsonb_build_object('short_code', u.short_code, 'original_url', t.original_url)
  FROM batch t JOIN live u ON u.id = t.url_id`;

export async function insertRedirectEvents(db: Pool | PoolClient, events: RedirectEvents): Promise<number> {
  return (await db.query(INSERT_BATCH, [events.urlIds, events.originalUrls, events.ats])).rowCount ?? 0;
}
