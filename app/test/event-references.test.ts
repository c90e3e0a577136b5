import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations.js';
import { copyRedirectEvents, insertRedirectEvents } from '../src/repositories/redirect-events.js';
import { eventually } from './helpers/app.js';
import { createDatabase, type TestDatabase } from './helpers/services.js';

// Events have no foreign keys (migration 3: the per-row checks were half the cost of writing
// redirect events). Their writers lock the rows they point at, and triggers do what ON DELETE
// did; these tests hold the races open with real transactions and look for orphans.

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 6 });
  // the schema as it was before migration 3, with rows in it, then the migration
  await migrate(pool, migrations.filter((m) => m.version < 3));
  await pool.query(`INSERT INTO users (id, username, email) VALUES (1, 'old', 'old@example.com'), (2, 'clicker', 'clicker@example.com')`);
  await pool.query(`INSERT INTO urls (id, user_id, short_code, original_url) VALUES (1, 1, 'oldcode', 'https://example.com/old')`);
  await pool.query(`INSERT INTO events (url_id, user_id, event_type, details) VALUES (1, 1, 'created', '{}'), (1, 2, 'click', '{}'), (1, 1, 'redirect', '{}')`);
  await migrate(pool);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const count = async (sql: string, values: unknown[] = []) => (await pool.query<{ n: number }>(sql, values)).rows[0]!.n;
const eventsOf = (urlId: number) => count('SELECT count(*)::int AS n FROM events WHERE url_id = $1', [urlId]);

let nextId = 100;
async function newUrl(): Promise<number> {
  const id = nextId++;
  await pool.query(`INSERT INTO urls (id, user_id, short_code, original_url) VALUES ($1, 1, $2, 'https://example.com/x')`, [id, `code${id}`]);
  return id;
}
const redirects = (urlId: number, n: number) => ({ urlIds: Array(n).fill(urlId), originalUrls: Array(n).fill('https://example.com/x'), ats: Array(n).fill(Date.now()) });

/** Runs `work` on a connection of its own, released after. */
async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** Resolves once `client`'s backend waits for a lock. */
async function waitingForLock(client: pg.PoolClient): Promise<void> {
  const pid = (client as unknown as { processID: number }).processID;
  await eventually(async () => (await pool.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]?.wait_event_type === 'Lock');
}

describe('event references without foreign keys', () => {
  it('keeps the events of a migrated database, and deleting a URL or a user still takes its events or clears their user', async () => {
    expect(await count(`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'f'`)).toBe(0);
    expect(await eventsOf(1)).toBe(3);

    await pool.query('DELETE FROM urls WHERE id = 1');
    expect(await eventsOf(1)).toBe(0);

    const kept = await pool.query(`INSERT INTO events (url_id, user_id, event_type, details) VALUES (NULL, 2, 'login', '{}') RETURNING id`);
    await pool.query('DELETE FROM users WHERE id = 2');
    expect((await pool.query('SELECT user_id FROM events WHERE id = $1', [kept.rows[0].id])).rows).toEqual([{ user_id: null }]);
  });

  it('writes no redirect event for a URL whose deletion is committing while the batch waits', async () => {
    const url = await newUrl();
    await withClient(async (deleter) => {
      await deleter.query('BEGIN');
      await deleter.query('DELETE FROM urls WHERE id = $1', [url]);
      await withClient(async (writer) => {
        const written = insertRedirectEvents(writer, redirects(url, 5));
        await waitingForLock(writer);
        await deleter.query('COMMIT');
        expect(await written).toBe(0);
      });
    });
    expect(await eventsOf(url)).toBe(0);
  });

  it('takes the events of a batch that held the URL with it when the URL is deleted right after', async () => {
    const url = await newUrl();
    await withClient(async (writer) => {
      // the batch's own transaction, held open after its events are in
      await writer.query('BEGIN');
      expect(await copyRedirectEvents(writer, redirects(url, 5))).toBe(5);
      await withClient(async (deleter) => {
        const deleted = deleter.query('DELETE FROM urls WHERE id = $1', [url]);
        await waitingForLock(deleter);
        await writer.query('COMMIT');
        expect((await deleted).rowCount).toBe(1);
      });
    });
    expect(await eventsOf(url)).toBe(0);
  });

  it('lists events of a type from the partial index, and redirects from the primary key', async () => {
    const url = await newUrl();
    await insertRedirectEvents(pool, redirects(url, 3));
    await pool.query(`INSERT INTO events (url_id, user_id, event_type, details) VALUES ($1, 1, 'click', '{}')`, [url]);
    const byType = async (type: string) => (await pool.query('SELECT event_type FROM events WHERE event_type = $1 AND url_id = $2 ORDER BY id', [type, url])).rows.length;
    expect(await byType('redirect')).toBe(3);
    expect(await byType('click')).toBe(1);
    // on a table this small PostgreSQL would scan it whole: ask what it can use, not what it prefers
    await withClient(async (client) => {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = async (type: string) =>
        (await client.query(`EXPLAIN SELECT id FROM events WHERE event_type = $1 ORDER BY id LIMIT 20`, [type])).rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(await plan('click')).toContain('events_event_type_idx');
      expect(await plan('redirect')).not.toContain('events_event_type_idx');
      await client.query('ROLLBACK');
    });
  });

  it('records each redirect with its own target and time, whatever characters the target holds', async () => {
    const first = await newUrl();
    const second = await newUrl();
    const targets = ['https://example.com/a"b\\c', 'https://example.com/{x},y', 'NULL', 'https://例え.jp/ü?q=1&r="2"', 'https://example.com/a"b\\c'];
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const written = await insertRedirectEvents(pool, {
      urlIds: [first, second, first, second, first],
      originalUrls: targets,
      ats: [at, at + 1000, at + 2000, at + 3000, at + 4000],
    });
    expect(written).toBe(5);
    const { rows } = await pool.query(
      `SELECT url_id, details->>'original_url' AS target, details->>'short_code' AS code, extract(epoch FROM "timestamp") * 1000 AS ms
       FROM events WHERE event_type = 'redirect' AND url_id IN ($1, $2) ORDER BY "timestamp"`,
      [first, second],
    );
    expect(rows.map((row) => [row.url_id, row.target, row.code, Number(row.ms)])).toEqual([
      [first, targets[0], `code${first}`, at],
      [second, targets[1], `code${second}`, at + 1000],
      [first, targets[2], `code${first}`, at + 2000],
      [second, targets[3], `code${second}`, at + 3000],
      [first, targets[4], `code${first}`, at + 4000],
    ]);
  });

  it('writes a batch larger than one piece of COPY text whole: every event, each with its own time', async () => {
    const urls = [await newUrl(), await newUrl(), await newUrl()];
    const start = Date.UTC(2026, 1, 3, 4, 5, 6, 0);
    const n = 4500; // more than two pieces of 2,000 rows
    const events = { urlIds: [] as number[], originalUrls: [] as string[], ats: [] as number[] };
    for (let i = 0; i < n; i++) {
      events.urlIds.push(urls[i % 3]!);
      events.originalUrls.push('https://example.com/x');
      events.ats.push(start + i);
    }
    expect(await insertRedirectEvents(pool, events)).toBe(n);
    const { rows } = await pool.query(
      `SELECT url_id, count(*)::int AS n, count(DISTINCT "timestamp")::int AS times FROM events WHERE event_type = 'redirect' AND url_id = ANY($1) GROUP BY url_id ORDER BY url_id`,
      [urls],
    );
    expect(rows).toEqual(urls.map((url) => ({ url_id: url, n: n / 3, times: n / 3 })));
  });
});
