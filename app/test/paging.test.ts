import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createUrl, createUser } from './helpers/fixtures.js';

// Keyset paging on every list, the bound on OFFSET paging, and the statement timeout that
// keeps a deep-paging flood from holding connections (issue 14: 40 concurrent
// GET /events?page=40000 pushed uncached redirects to p99 7.5 s with 19 % 503s).

const ROWS = 300_000;
let t: TestApp;
let codes: string[];

beforeAll(async () => {
  // no Valkey: every redirect below is a PostgreSQL lookup, the path the flood used to starve
  t = await buildTestApp({ redisUrl: null, env: { LIST_STATEMENT_TIMEOUT_MS: '50' } });
  const user = await createUser(t);
  codes = [];
  for (let i = 0; i < 25; i++) codes.push((await createUrl(t, user.id)).short_code);
  await t.db.query(
    `INSERT INTO events (url_id, user_id, event_type, details)
     SELECT (SELECT min(id) FROM urls), $1, 'redirect', '{}'::jsonb FROM generate_series(1, $2)`,
    [user.id, ROWS],
  );
  await t.db.query('ANALYZE events');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('lists', () => {
  it.each(['/users', '/urls', '/events'])('%s pages by cursor: X-Next-Cursor walks every row once', async (path) => {
    const seen: number[] = [];
    let cursor: string | undefined = '0';
    for (let pages = 0; cursor !== undefined && pages < 10; pages++) {
      const response = await t.app.inject({ method: 'GET', url: `${path}?per_page=7&cursor=${cursor}${path === '/events' ? '&event_type=created' : ''}` });
      expect(response.statusCode).toBe(200);
      const rows = response.json<{ id: number }[]>();
      seen.push(...rows.map((r) => r.id));
      cursor = response.headers['x-next-cursor'] as string | undefined;
      if (cursor !== undefined) expect(Number(cursor)).toBe(rows[rows.length - 1]!.id);
    }
    const table = path.slice(1);
    const { rows } = await t.db.query<{ id: number }>(`SELECT id::int AS id FROM ${table} ${table === 'events' ? "WHERE event_type = 'created'" : ''} ORDER BY id`);
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it.each(['/users', '/urls', '/events'])('%s caps the page size and refuses deep offsets, naming the cursor parameter', async (path) => {
    const big = await t.app.inject({ method: 'GET', url: `${path}?per_page=101` });
    expect(big.statusCode).toBe(422);
    expect(big.json().errors.query.per_page).toEqual(['Must be less than or equal to 100.']);
    const deep = await t.app.inject({ method: 'GET', url: `${path}?page=40000` });
    expect(deep.statusCode).toBe(422);
    expect(deep.json().errors.query.page[0]).toMatch(/beyond the 10000 rows.*cursor parameter/);
    // the last page within the bound is still served
    expect((await t.app.inject({ method: 'GET', url: `${path}?page=501&per_page=20` })).statusCode).toBe(200);
  });

  it('cuts a slow list query at the statement timeout with a 503 and Retry-After, and redirects keep their connections', async () => {
    // deep offsets, allowed here so the queries reach PostgreSQL
    const attacked = await buildTestApp({
      databaseUrl: t.database.url,
      redisUrl: null,
      env: { LIST_STATEMENT_TIMEOUT_MS: '50', PAGE_OFFSET_MAX: '10000000' },
    });
    try {
      const flood = Array.from({ length: 40 }, (_, i) =>
        attacked.app.inject({ method: 'GET', url: `/events?event_type=redirect&per_page=100&page=${2900 - i}` }),
      );
      const redirectTimes: number[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) {
        const start = performance.now();
        const response = await attacked.app.inject({ method: 'GET', url: `/${codes[i % codes.length]}` });
        redirectTimes.push(performance.now() - start);
        statuses.push(response.statusCode);
      }
      const listed = await Promise.all(flood);
      expect(statuses.every((s) => s === 302)).toBe(true);
      const timedOut = listed.filter((r) => r.statusCode === 503);
      expect(timedOut.length).toBeGreaterThan(0);
      for (const response of listed) expect([200, 503]).toContain(response.statusCode);
      expect(timedOut[0]!.headers['retry-after']).toBe('2');
      expect(timedOut[0]!.json().message).toMatch(/statement timeout.*cursor/);
      // generous bound for a loaded two-core machine; before the fix the p99 was 7.5 s
      expect(Math.max(...redirectTimes)).toBeLessThan(1500);
    } finally {
      await attacked.close();
    }
  }, 60_000);
});
