import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ListReads, inlineValues } from '../src/db/list-reads.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/plugins/db.js';
import { EventsRepository } from '../src/repositories/events.js';
import { UrlsRepository } from '../src/repositories/urls.js';
import { toPage } from '../src/repositories/sql.js';
import { createDatabase, type TestDatabase } from './helpers/services.js';
import { startThrowawayPgBouncer, type ThrowawayPgBouncer } from './helpers/throwaway.js';

// The chart connects the service through CloudNativePG's Pooler: PgBouncer in transaction
// mode. A real PgBouncer (Debian's 1.18) sits here in front of a test database. It predates
// `max_prepared_statements` (1.21, which the chart's Pooler sets), so the service's named
// statements are not run through it; its connection set-up and the list queries are.

let database: TestDatabase;
let bouncer: ThrowawayPgBouncer;
let direct: pg.Pool;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  database = await createDatabase();
  direct = new pg.Pool({ connectionString: database.url, max: 2 });
  await migrate(direct);
  bouncer = await startThrowawayPgBouncer(database.url);
}, 30_000);
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await direct?.end();
  await bouncer?.destroy();
  await database?.drop();
});

const servicePool = (purpose: 'main' | 'lists', url = bouncer.url) => {
  const pool = createPool(loadConfig({ DATABASE_URL: url }), purpose);
  pools.push(pool);
  return pool;
};

describe('the service behind PgBouncer in transaction mode', () => {
  it('connects both of its pools (a statement_timeout startup parameter is refused: "unsupported startup parameter")', async () => {
    for (const purpose of ['main', 'lists'] as const) {
      const { rows } = await servicePool(purpose).query<{ ok: number }>('SELECT 1 AS ok');
      expect(rows).toEqual([{ ok: 1 }]);
    }
    const refused = new pg.Client({ connectionString: bouncer.url, statement_timeout: 1000 });
    await expect(refused.connect()).rejects.toThrow(/unsupported startup parameter: statement_timeout/);
    await refused.end().catch(() => undefined);
  });

  it('keeps the main pool\'s statement timeout on a direct connection (PgBouncer ignores it: `options`)', async () => {
    const timeout = async (pool: pg.Pool) => (await pool.query<{ t: string }>("SELECT current_setting('statement_timeout') AS t")).rows[0]!.t;
    expect(await timeout(servicePool('main', database.url))).toBe('5s');
    expect(await timeout(servicePool('main'))).toBe('0');
  });

  it('cancels a list query at the list timeout, and leaves no timeout on the server connection the next client gets', async () => {
    const lists = new ListReads(servicePool('lists'), 100);
    const start = performance.now();
    await expect(lists.rows('SELECT pg_sleep($1)', [2])).rejects.toMatchObject({ code: '57014' });
    expect(performance.now() - start).toBeLessThan(1500);
    // one server connection behind the pooler: whoever asks next gets the same one
    const other = servicePool('main');
    const { rows } = await other.query<{ timeout: string }>("SELECT current_setting('statement_timeout') AS timeout");
    expect(rows[0]!.timeout).toBe('0');
    expect((await lists.rows<{ timeout: string }>("SELECT current_setting('statement_timeout') AS timeout", []))[0]!.timeout).toBe('100ms');
  });

  it('answers lists with the rows a direct connection reads, whatever the filter values hold', async () => {
    const { rows: users } = await direct.query<{ id: number }>("INSERT INTO users (username, email) VALUES ('pool', 'pool@example.com') RETURNING id");
    const userId = users[0]!.id;
    await direct.query(
      `INSERT INTO urls (user_id, short_code, original_url, is_active) SELECT $1, 'pb' || g, 'https://example.com/' || g, g % 2 = 0 FROM generate_series(1, 6) g`,
      [userId],
    );
    const { rows: urlIds } = await direct.query<{ id: number }>('SELECT id FROM urls ORDER BY id LIMIT 1');
    const odd = ["it's", 'back\\slash', 'ünïcode', '$1 and $2'];
    for (const type of odd) {
      await direct.query(`INSERT INTO events (url_id, user_id, event_type, details) VALUES ($1, $2, $3, '{}')`, [urlIds[0]!.id, userId, type]);
    }

    const through = new ListReads(servicePool('lists'), 1000);
    const straight = new ListReads(servicePool('lists', database.url), 1000);
    const urls = (lists: ListReads) => new UrlsRepository(direct, lists).list({ user_id: userId, is_active: true }, toPage(1, 2));
    expect((await urls(through)).map((url) => url.short_code)).toEqual(['pb2', 'pb4']);
    expect(await urls(through)).toEqual(await urls(straight));
    const events = (lists: ListReads, event_type: string) => new EventsRepository(direct, lists).list({ event_type }, toPage(1, 10));
    for (const type of odd) {
      const found = await events(through, type);
      expect(found.map((event) => event.event_type)).toEqual([type]);
      expect(found).toEqual(await events(straight, type));
    }
  });
});

describe('values written into a list query as literals', () => {
  it('are quoted as PostgreSQL reads them back, and each $n takes its own value ($1 is not the start of $10)', () => {
    const values = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(inlineValues('a = $1 AND b = $10', values)).toBe('a = 1 AND b = 10');
    expect(inlineValues('$1, $2, $3, $4', ["o'clock", true, null, -2.5])).toBe("'o''clock', TRUE, NULL, -2.5");
    expect(inlineValues('$1', ['C:\\dir'])).toBe(" E'C:\\\\dir'");
    expect(inlineValues('$1 $2', [Number.POSITIVE_INFINITY, Number.NaN])).toBe("'Infinity' 'NaN'");
  });

  it('refuse what has no literal form, naming the parameter', () => {
    expect(() => inlineValues('$1 $2', [1])).toThrow('$2 is missing');
    expect(() => inlineValues('$1', [{ id: 1 }])).toThrow('$1 is a object');
  });
});
