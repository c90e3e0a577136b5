import pg_ from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/app.js';
import { startServer, type RunningServer } from './helpers/process.js';
import { deleteKeys, TEST_REDIS_URL, uniqueName } from './helpers/services.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/throwaway.js';

// PostgreSQL (a throwaway instance) restarted under write and redirect load: every write
// answered 2xx is in the database afterwards, every failure is a JSON 503 with Retry-After,
// and the redirect-event flusher backs off instead of retrying every few milliseconds.

let pg: ThrowawayPostgres;
let server: RunningServer;
const prefix = `${uniqueName('urlshort_test')}:`;

beforeAll(async () => {
  pg = await startThrowawayPostgres();
  // with Valkey, so redirects are still answered (and their events buffered) while PostgreSQL is away
  server = await startServer({ DATABASE_URL: pg.url, REDIS_URL: TEST_REDIS_URL, CACHE_PREFIX: prefix, EVENT_FLUSH_INTERVAL_MS: '50', EVENT_BATCH_MAX: '10', PG_CONNECT_TIMEOUT_MS: '300' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await pg?.destroy();
  await deleteKeys(TEST_REDIS_URL, prefix);
});

const post = (path: string, body: unknown) =>
  fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${server.baseUrl}/metrics`)).text())?.[1]);

describe('PostgreSQL restarted under write load', () => {
  it('loses no acknowledged write, answers 503 with Retry-After meanwhile, and backs off the event flushes', async () => {
    const owner = (await (await post('/users', { username: 'owner', email: 'owner@example.com' })).json()) as { id: number };
    const link = (await (await post('/urls', { user_id: owner.id, original_url: 'https://example.com/load' })).json()) as { short_code: string };

    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let redirects = 0;
    const socketErrors: string[] = [];
    let running = true;
    let sequence = 0;
    const writer = async () => {
      while (running) {
        const email = `w${++sequence}@example.com`;
        try {
          const response = await post('/users', { username: 'w', email });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 201) acknowledged.push(email);
          else {
            expect(response.status).toBe(503);
            expect(response.headers.get('retry-after')).toBe('2');
            expect(await response.json()).toMatchObject({ code: 503, request_id: expect.any(String) });
          }
        } catch (error) {
          socketErrors.push(String((error as Error).cause ?? error));
        }
      }
    };
    const visitor = async () => {
      while (running) {
        const response = await fetch(`${server.baseUrl}/${link.short_code}`, { redirect: 'manual' });
        await response.arrayBuffer();
        if (response.status === 302) redirects++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const load = [...Array.from({ length: 8 }, writer), visitor()];
    const stopLoad = async () => {
      running = false;
      await Promise.allSettled(load);
    };

    await new Promise((resolve) => setTimeout(resolve, 1000));
    try {
      const failuresBefore = await metric('redirect_event_flush_failures_total');
      await pg.stop('immediate');
      await new Promise((resolve) => setTimeout(resolve, 3000));
      // exponential backoff from 250 ms: a handful of attempts in 3 s, not a thousand
      const failuresDuring = (await metric('redirect_event_flush_failures_total')) - failuresBefore;
      expect(failuresDuring).toBeGreaterThanOrEqual(1);
      expect(failuresDuring).toBeLessThanOrEqual(6);
      await pg.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await stopLoad();
    }
    expect(socketErrors).toEqual([]);

    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].sort()).toEqual([201, 503]);

    const client = new pg_.Client({ connectionString: pg.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ email: string }>('SELECT email FROM users');
      const stored = new Set(rows.map((r) => r.email));
      expect(acknowledged.filter((email) => !stored.has(email))).toEqual([]);
      // every redirect answered 302 is recorded once PostgreSQL is back
      await eventually(async () => {
        const { rows: counted } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE event_type = 'redirect'");
        return counted[0]!.n === redirects;
      }, 15_000, 200);
    } finally {
      await client.end();
    }
    const warnings = server.output().split('\n').filter((line) => line.includes('writing redirect events failed'));
    expect(warnings).toHaveLength(1);
  }, 60_000);
});
