import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/app.js';
import { startServer, type RunningServer } from './helpers/process.js';
import { createDatabase, deleteKeys, TEST_REDIS_URL, uniqueName, type TestDatabase } from './helpers/services.js';

let database: TestDatabase;
let db: pg.Pool;
let server: RunningServer | undefined;
const prefix = `${uniqueName('urlshort_test')}:`;

beforeAll(async () => {
  database = await createDatabase();
  db = new pg.Pool({ connectionString: database.url, max: 3 });
});
afterAll(async () => {
  await server?.stop();
  await db?.end();
  await database?.drop();
  await deleteKeys(TEST_REDIS_URL, prefix);
});

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('SIGTERM with requests in flight', () => {
  it('fails /ready, stops accepting, finishes the in-flight request, writes buffered events, and exits 0', async () => {
    server = await startServer({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      CACHE_PREFIX: prefix,
      SHUTDOWN_DELAY_MS: '1500',
    });
    const base = server.baseUrl;
    const user = (await (await post(base, '/users', { username: 'owner', email: 'owner@example.com' })).json()) as { id: number };
    const url = (await (await post(base, '/urls', { user_id: user.id, original_url: 'https://example.com/bye' })).json()) as { short_code: string };
    for (let i = 0; i < 50; i++) {
      const response = await fetch(`${base}/${url.short_code}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
    }

    // hold the users table so the next POST /users stays in flight
    const lock = await db.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const inFlight = post(base, '/users', { username: 'late', email: 'late@example.com' });
    await eventually(async () => {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'users'::regclass");
      return rows[0].n > 0;
    });

    server.child.kill('SIGTERM');
    const ready = await eventually(async () => {
      const response = await fetch(`${base}/ready`);
      return response.status === 503 ? response : undefined;
    }, 1000, 20);
    expect(await ready.json()).toEqual({ status: 'error', reason: 'shutting down' });

    // after the delay the listener closes: new connections are refused
    await eventually(async () => {
      try {
        await fetch(`${base}/health`, { headers: { connection: 'close' } });
        return false;
      } catch {
        return true;
      }
    }, 5000, 50);
    expect(server.child.exitCode).toBeNull();

    await lock.query('COMMIT');
    lock.release();
    const response = await inFlight;
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ username: 'late', email: 'late@example.com' });

    const { code, signal } = await server.exited;
    if (code !== 0) console.log(server.output().split('\n').filter((line) => !line.includes('request completed')).join('\n'));
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    expect((await db.query("SELECT count(*)::int AS n FROM users WHERE email = 'late@example.com'")).rows[0].n).toBe(1);
    expect((await db.query("SELECT count(*)::int AS n FROM events WHERE event_type = 'redirect'")).rows[0].n).toBe(50);

    const lines = server.output().trim().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    const requestLines = lines.filter((line) => line.msg === 'request completed');
    expect(requestLines.length).toBeGreaterThanOrEqual(53);
    expect(requestLines.find((line) => line.statusCode === 302)).toMatchObject({ method: 'GET', route: '/:short_code', responseTime: expect.any(Number) });
    expect(lines.map((line) => line.msg)).toContain('shutdown complete');
    expect(server.output()).not.toContain(database.url);
  });
});
