import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/app.js';
import { startServer, type RunningServer } from './helpers/process.js';
import { createDatabase, uniqueName, type TestDatabase } from './helpers/services.js';
import { startThrowawayRedis, type ThrowawayRedis } from './helpers/throwaway.js';

// Two replicas (real processes) on one database and one throwaway Valkey, which the tests
// freeze (SIGSTOP) and whose invalidation connections they kill.

let redis: ThrowawayRedis;
let database: TestDatabase;
let db: pg.Pool;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  redis = await startThrowawayRedis();
  database = await createDatabase();
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, CACHE_PREFIX: `${uniqueName('urlshort_test')}:` };
  a = await startServer(env);
  b = await startServer(env);
}, 60_000);
afterAll(async () => {
  redis?.resume();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.end();
  await database?.drop();
  await redis?.destroy();
});

const send = (base: string, method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const location = async (base: string, code: string) => {
  const response = await send(base, 'GET', `/${code}`);
  await response.arrayBuffer();
  return { location: response.headers.get('location'), cache: response.headers.get('x-cache'), status: response.status };
};
const metric = async (base: string, name: string) => {
  const text = await (await send(base, 'GET', '/metrics')).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
};
/** A counter's value for one resource label; 0 before its first count. */
const labelled = async (base: string, name: string, resource: string) => {
  const text = await (await send(base, 'GET', '/metrics')).text();
  const match = new RegExp(`^${name}\\{resource="${resource}"\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
};
/** The log lines with message `msg`, from offset `from` of the server's output on. */
const logLines = (server: RunningServer, msg: string, from = 0) =>
  server.output().slice(from).split('\n').filter((line) => line.startsWith('{') && JSON.parse(line).msg === msg);

let user: { id: number };
async function newLink(target: string): Promise<{ id: number; short_code: string }> {
  user ??= (await (await send(a.baseUrl, 'POST', '/users', { username: 'owner', email: `owner${Date.now()}@example.com` })).json()) as { id: number };
  const response = await send(a.baseUrl, 'POST', '/urls', { user_id: user.id, original_url: target });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; short_code: string };
}

describe('client-side caching across replicas', () => {
  it('serves hot redirects from process memory, and an update acknowledged by A is never followed by the old target on B', async () => {
    const link = await newLink('https://example.com/v0');
    await location(b.baseUrl, link.short_code);
    expect(await location(b.baseUrl, link.short_code)).toMatchObject({ cache: 'HIT', location: 'https://example.com/v0' });
    await eventually(async () => ((await metric(b.baseUrl, 'local_cache_entries')) ?? 0) > 0, 3000);
    expect(await metric(b.baseUrl, 'local_cache_enabled')).toBe(1);

    for (let version = 1; version <= 40; version++) {
      // B holds the current target in memory
      expect((await location(b.baseUrl, link.short_code)).location).toBe(`https://example.com/v${version - 1}`);
      const put = await send(a.baseUrl, 'PUT', `/urls/${link.id}`, { original_url: `https://example.com/v${version}` });
      expect(put.status).toBe(200);
      // the very next read on the other replica sees the update
      expect((await location(b.baseUrl, link.short_code)).location).toBe(`https://example.com/v${version}`);
    }
    expect(await metric(b.baseUrl, 'local_cache_invalidation_messages_total')).toBeGreaterThanOrEqual(40);
  });

  it('keeps its entries through a lapse of its lease (the process stopped past it), and applies the invalidations sent meanwhile before serving one', async () => {
    const steady = await newLink('https://example.com/steady');
    const moved = await newLink('https://example.com/moved0');
    for (const code of [steady.short_code, moved.short_code]) {
      await location(b.baseUrl, code);
      await eventually(async () => (await location(b.baseUrl, code)).cache === 'HIT', 3000);
    }
    const lapsesBefore = (await metric(b.baseUrl, 'local_cache_lease_lapses_total')) ?? 0;
    const valkeyReadsBefore = await labelled(b.baseUrl, 'cache_hits_total', 'redirect');

    // B is stopped for over three leases (300 ms), as a starved process is; A updates one link meanwhile
    b.child.kill('SIGSTOP');
    try {
      const put = await send(a.baseUrl, 'PUT', `/urls/${moved.id}`, { original_url: 'https://example.com/moved1' });
      expect(put.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      b.child.kill('SIGCONT');
    }
    expect((await location(b.baseUrl, moved.short_code)).location).toBe('https://example.com/moved1');
    expect(await location(b.baseUrl, steady.short_code)).toMatchObject({ status: 302, location: 'https://example.com/steady' });
    expect(await metric(b.baseUrl, 'local_cache_lease_lapses_total')).toBeGreaterThan(lapsesBefore);
    // the untouched link came from process memory: B did not read it from Valkey again
    expect(await labelled(b.baseUrl, 'cache_hits_total', 'redirect')).toBe(valkeyReadsBefore);
  });

  it('flushes and disables the local cache when the invalidation connection drops, until tracking is back', async () => {
    const link = await newLink('https://example.com/drop0');
    await location(b.baseUrl, link.short_code);
    await eventually(async () => (await location(b.baseUrl, link.short_code)).cache === 'HIT', 3000);
    const admin = redis.admin();
    await admin.client('KILL', 'TYPE', 'pubsub');
    // the subscriber reconnects within a few hundred ms; meanwhile nothing local is served
    await eventually(async () => (await metric(b.baseUrl, 'local_cache_enabled')) === 1 && (await metric(b.baseUrl, 'local_cache_entries')) === 0, 3000, 5);
    const put = await send(a.baseUrl, 'PUT', `/urls/${link.id}`, { original_url: 'https://example.com/drop1' });
    expect(put.status).toBe(200);
    expect((await location(b.baseUrl, link.short_code)).location).toBe('https://example.com/drop1');
    // log lines are written in batches
    await eventually(async () => logLines(b, 'local cache disabled: invalidations from Valkey stopped').length >= 1, 3000);
    await eventually(async () => logLines(b, 'local cache enabled again: invalidations from Valkey restored').length >= 1, 3000);
  });
});

describe('a frozen Valkey (SIGSTOP)', () => {
  it('is treated as dead: redirects fall back to PostgreSQL within the cache timeout, degradation and recovery are logged once each and shown in /metrics, and no replica serves an old target', async () => {
    // counted from here: an earlier test stops B itself, which may degrade its cache for a moment
    const logFrom = b.output().length;
    const degradationsBefore = (await metric(b.baseUrl, 'cache_degradations_total')) ?? 0;
    const hot = await newLink('https://example.com/frozen0');
    const cold: string[] = [];
    for (let i = 0; i < 10; i++) cold.push((await newLink(`https://example.com/cold${i}`)).short_code);
    await location(b.baseUrl, hot.short_code);
    await location(b.baseUrl, hot.short_code);

    redis.pause();
    try {
      // an update while Valkey is frozen: acknowledged after one local-cache lease
      const put = await send(a.baseUrl, 'PUT', `/urls/${hot.id}`, { original_url: 'https://example.com/frozen1' });
      expect(put.status).toBe(200);
      expect((await location(b.baseUrl, hot.short_code)).location).toBe('https://example.com/frozen1');

      const times: number[] = [];
      for (let round = 0; round < 5; round++) {
        for (const code of [hot.short_code, ...cold]) {
          const start = performance.now();
          const result = await location(b.baseUrl, code);
          times.push(performance.now() - start);
          expect(result.status).toBe(302);
        }
      }
      times.sort((x, y) => x - y);
      // before issue 14 a frozen Valkey put redirects at ~450 ms; the cache timeout is 25 ms
      expect(times[Math.floor(times.length * 0.99) - 1]).toBeLessThan(200);
      expect(await metric(b.baseUrl, 'cache_degraded')).toBe(1);
      expect(await metric(b.baseUrl, 'local_cache_enabled')).toBe(0);
    } finally {
      redis.resume();
    }
    await eventually(async () => {
      await location(b.baseUrl, hot.short_code);
      return (await metric(b.baseUrl, 'cache_degraded')) === 0;
    }, 5000, 100);
    expect((await location(b.baseUrl, hot.short_code)).location).toBe('https://example.com/frozen1');
    await eventually(async () => logLines(b, 'cache recovered', logFrom).length >= 1, 3000);
    expect(logLines(b, 'cache degraded: serving from PostgreSQL until Valkey answers again', logFrom)).toHaveLength(1);
    expect(logLines(b, 'cache recovered', logFrom)).toHaveLength(1);
    expect(await metric(b.baseUrl, 'cache_degradations_total')).toBe(degradationsBefore + 1);
  }, 30_000);
});
