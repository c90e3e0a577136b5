import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, json, type TestApp } from './helpers/app.js';
import { createUrl, createUser } from './helpers/fixtures.js';
import { TEST_REDIS_URL } from './helpers/services.js';

let t: TestApp;
let redis: Redis;
beforeAll(async () => {
  t = await buildTestApp();
  redis = new Redis(TEST_REDIS_URL, { keyPrefix: t.config.cachePrefix });
});
afterAll(async () => {
  redis?.disconnect();
  await t?.close();
});

const get = (url: string) => t.app.inject({ method: 'GET', url });

async function missThenHit(url: string) {
  const first = await get(url);
  expect(first.statusCode).toBe(200);
  expect(first.headers['x-cache']).toBe('MISS');
  const second = await get(url);
  expect(second.headers['x-cache']).toBe('HIT');
  expect(second.body).toBe(first.body);
  expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
  return first.json();
}

describe('cache-aside in Valkey', () => {
  it.each(['/users', '/users?page=1&per_page=5', '/urls', '/urls?is_active=true&per_page=3'])('serves %s from the cache the second time', async (url) => {
    await createUser(t);
    await missThenHit(url);
  });

  it('serves GET /users/:id and GET /urls/:id from the cache the second time', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id);
    expect(await missThenHit(`/users/${user.id}`)).toEqual(user);
    expect(await missThenHit(`/urls/${url.id}`)).toEqual(url);
  });

  it('does not cache a 404', async () => {
    await get('/users/987654');
    expect(await redis.exists('user:987654')).toBe(0);
    expect((await get('/users/987654')).headers['x-cache']).toBe('MISS');
  });

  it('never lets a client read its own user write stale', async () => {
    const user = await createUser(t);
    await missThenHit(`/users/${user.id}`);
    await missThenHit('/users');
    await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ username: 'renamed' }) });
    expect((await get(`/users/${user.id}`)).json().username).toBe('renamed');
    expect((await get('/users')).json().find((u: { id: number }) => u.id === user.id).username).toBe('renamed');

    const created = await createUser(t);
    expect((await get('/users')).json().map((u: { id: number }) => u.id)).toContain(created.id);

    await t.app.inject({ method: 'DELETE', url: `/users/${created.id}` });
    expect((await get(`/users/${created.id}`)).statusCode).toBe(404);
    expect((await get('/users')).json().map((u: { id: number }) => u.id)).not.toContain(created.id);
  });

  it('never lets a client read its own URL write stale', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id, { title: 'before' });
    const list = `/urls?user_id=${user.id}`;
    await missThenHit(`/urls/${url.id}`);
    await missThenHit(list);

    await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ title: 'after' }) });
    expect((await get(`/urls/${url.id}`)).json().title).toBe('after');
    expect((await get(list)).json()[0].title).toBe('after');

    const second = await createUrl(t, user.id);
    expect((await get(list)).json().map((u: { id: number }) => u.id)).toEqual([url.id, second.id]);

    await t.app.inject({ method: 'DELETE', url: `/urls/${url.id}` });
    expect((await get(`/urls/${url.id}`)).statusCode).toBe(404);
    expect((await get(list)).json().map((u: { id: number }) => u.id)).toEqual([second.id]);
  });

  it('lets no reader store data it read before a write once that write has invalidated it', async () => {
    const user = await createUser(t);
    // a reader that missed before the write and stores after it: its SET NX meets the tombstone
    await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ username: 'new' }) });
    t.app.cache.set(`user:${user.id}`, JSON.stringify({ ...user, username: 'stale' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await get(`/users/${user.id}`);
    expect(response.json().username).toBe('new');
    // a list reader that read generation N before a write cannot store under it afterwards
    const { gen } = await t.app.cache.getList('users', 'users', 'all');
    await createUser(t);
    t.app.cache.setList('users', gen, 'all', '[]');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await get('/users')).json().length).toBeGreaterThan(0);
  });

  it('counts hits and misses by resource in /metrics', async () => {
    const user = await createUser(t);
    await missThenHit(`/users/${user.id}`);
    const metrics = (await get('/metrics')).body;
    expect(metrics).toMatch(/^cache_hits_total\{resource="user"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^cache_misses_total\{resource="user"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^cache_bypassed 0$/m);
  });

  it('stores entries with a TTL of 24-30 s (30 s less up to a fifth) under the configured prefix, spread so entries filled together do not expire together', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => createUser(t)));
    await Promise.all(users.map((user) => get(`/users/${user.id}`)));
    const ttls = await eventually(async () => {
      const left = await Promise.all(users.map((user) => redis.pttl(`user:${user.id}`)));
      return left.every((ms) => ms > 0) ? left : undefined;
    });
    for (const ttl of ttls!) {
      expect(ttl).toBeGreaterThan(23_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    }
    // 20 lifetimes drawn over 6 s: that all of them fall within one second has a chance below 1e-12
    expect(Math.max(...ttls!) - Math.min(...ttls!)).toBeGreaterThan(1000);
  });
});

describe('without REDIS_URL', () => {
  it('serves everything from PostgreSQL with X-Cache: MISS', async () => {
    const uncached = await buildTestApp({ redisUrl: null });
    try {
      const user = await createUser(uncached);
      const url = await createUrl(uncached, user.id);
      for (let i = 0; i < 2; i++) {
        expect((await uncached.app.inject({ method: 'GET', url: `/users/${user.id}` })).headers['x-cache']).toBe('MISS');
        expect((await uncached.app.inject({ method: 'GET', url: `/urls/${url.id}` })).headers['x-cache']).toBe('MISS');
        const redirect = await uncached.app.inject({ method: 'GET', url: `/${url.short_code}` });
        expect(redirect.statusCode).toBe(302);
        expect(redirect.headers['x-cache']).toBe('MISS');
      }
    } finally {
      await uncached.close();
    }
  });
});
