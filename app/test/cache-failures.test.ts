import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, json, type TestApp } from './helpers/app.js';
import { createUrl, createUser, type UrlBody, type UserBody } from './helpers/fixtures.js';
import { startThrowawayRedis, type ThrowawayRedis } from './helpers/throwaway.js';

let redis: ThrowawayRedis;
let t: TestApp;
let user: UserBody;
let url: UrlBody;

beforeAll(async () => {
  redis = await startThrowawayRedis();
  t = await buildTestApp({ redisUrl: redis.url, env: { CACHE_TIMEOUT_MS: '200' } });
  user = await createUser(t);
  url = await createUrl(t, user.id, { title: 'A' });
});
afterEach(async () => {
  redis.resume();
  await redis.start().catch(() => undefined); // no-op when it is running
});
afterAll(async () => {
  await t?.close();
  await redis?.destroy();
});

const get = (path: string) => t.app.inject({ method: 'GET', url: path });
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = Date.now();
  const result = await work();
  return [result, Date.now() - start];
}
const hitOnceCached = (path: string) =>
  eventually(async () => {
    await get(path);
    const response = await get(path);
    return response.headers['x-cache'] === 'HIT' ? response : undefined;
  }, 15_000, 200);

describe('when Valkey stops mid-test', () => {
  it('serves reads from PostgreSQL with MISS, accepts writes, and uses the cache again by itself once Valkey is back', async () => {
    await hitOnceCached(`/users/${user.id}`);
    await redis.stop();

    const [read, readMs] = await timed(() => get(`/users/${user.id}`));
    expect(read.statusCode).toBe(200);
    expect(read.headers['x-cache']).toBe('MISS');
    expect(read.json()).toEqual(user);
    expect(readMs).toBeLessThan(1000);
    const redirect = await get(`/${url.short_code}`);
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers['x-cache']).toBe('MISS');
    const created = await t.app.inject({ method: 'POST', url: '/urls', ...json({ user_id: user.id, original_url: 'https://example.com/down' }) });
    expect(created.statusCode).toBe(201);
    const renamed = await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ username: 'while-down' }) });
    expect(renamed.statusCode).toBe(200);
    expect((await get('/metrics')).body).toMatch(/^cache_bypassed 1$/m);

    // a fresh Valkey (nothing persisted); no restart of the service
    await redis.start();
    const response = await hitOnceCached(`/urls/${url.id}`);
    expect(response.json()).toEqual(url);
    // the user written meanwhile is read fresh, never from an entry older than the write
    expect((await get(`/users/${user.id}`)).json().username).toBe('while-down');
  });
});

describe('when Valkey hangs', () => {
  it('answers within the cache timeout from PostgreSQL, and the writes it could not invalidate are repaired once it answers again', async () => {
    await hitOnceCached(`/urls/${url.id}`);
    redis.pause();

    const [first, firstMs] = await timed(() => get(`/urls/${url.id}`));
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(firstMs).toBeLessThan(1000);
    // after one timeout the cache is skipped for a moment instead of waiting again
    const [, secondMs] = await timed(() => get(`/urls/${url.id}`));
    expect(secondMs).toBeLessThan(150);

    const [updated, updateMs] = await timed(() => t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ title: 'during hang' }) }));
    expect(updated.statusCode).toBe(200);
    expect(updateMs).toBeLessThan(1500);
    expect((await get(`/urls/${url.id}`)).json().title).toBe('during hang');

    redis.resume();
    const response = await eventually(async () => {
      const r = await get(`/urls/${url.id}`);
      return r.json().title === 'during hang' ? r : undefined;
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('when an invalidation cannot reach Valkey', () => {
  it('reads from PostgreSQL instead of the stale entry until the invalidation is repaired', async () => {
    const admin = redis.admin();
    const target = await createUrl(t, user.id, { title: 'before' });
    await hitOnceCached(`/urls/${target.id}`);
    const key = `${t.config.cachePrefix}url:${target.id}`;
    expect(await admin.get(key)).toContain('"title":"before"');

    // Valkey answers reads but refuses the writes an invalidation needs
    await admin.call('ACL', 'SETUSER', 'default', '-set', '-incr');
    try {
      const updated = await t.app.inject({ method: 'PUT', url: `/urls/${target.id}`, ...json({ title: 'after' }) });
      expect(updated.statusCode).toBe(200);
      expect(await admin.get(key)).toContain('"title":"before"'); // the stale entry is still there

      for (let i = 0; i < 3; i++) {
        const read = await get(`/urls/${target.id}`);
        expect(read.headers['x-cache']).toBe('MISS');
        expect(read.json().title).toBe('after');
      }
      const list = await get(`/urls?user_id=${user.id}&per_page=100`);
      expect(list.headers['x-cache']).toBe('MISS');
      expect((await get('/metrics')).body).toMatch(/^cache_bypassed 1$/m);
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+@all');
    }

    // the pending invalidation lands by itself, and the cache is used again
    await eventually(async () => (await admin.get(key)) === '!', 5000, 100);
    await eventually(async () => /^cache_bypassed 0$/m.test((await get('/metrics')).body), 5000, 100);
    expect((await get(`/urls/${target.id}`)).json().title).toBe('after');
  });
});
