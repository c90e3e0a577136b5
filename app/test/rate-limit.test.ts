import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { userWithKey, withJson, type KeyedUser } from './helpers/keys.js';
import { uniqueName } from './helpers/services.js';

// Two instances of the app share one Valkey (the shared test server, under a unique prefix)
// and one database, as replicas do: the limits count across both.

let a: TestApp;
let b: TestApp;
let user: KeyedUser;
const limits = {
  RATE_LIMIT_PER_KEY: '8',
  RATE_LIMIT_CREATES: '3',
  RATE_LIMIT_PER_ADDRESS: '12',
  RATE_LIMIT_REDIRECT_MISSES: '5',
  RATE_LIMIT_WINDOW_MS: '60000',
};

beforeAll(async () => {
  const prefix = `${uniqueName('urlshort_test')}:`;
  a = await buildTestApp({ mode: 'protected', env: { ...limits, CACHE_PREFIX: prefix } });
  b = await buildTestApp({ mode: 'protected', databaseUrl: a.database.url, env: { ...limits, CACHE_PREFIX: prefix } });
  user = await userWithKey(a);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const from = (remoteAddress: string) => ({ remoteAddress });

describe('rate limits shared through Valkey', () => {
  it('hold a key to its limit across two instances, with 429, Retry-After, X-RateLimit-* and the IETF RateLimit and RateLimit-Policy fields', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const app = i % 2 === 0 ? a : b;
      // a different address each time: only the key's bucket is shared
      const response = await app.app.inject({ method: 'GET', url: `/users/${user.id}`, headers: user.auth, ...from(`198.51.100.${i + 1}`) });
      statuses.push(response.statusCode);
      if (response.statusCode === 200) {
        expect(Number(response.headers['x-ratelimit-limit'])).toBeGreaterThan(0);
        expect(response.headers['x-ratelimit-remaining']).toBeDefined();
        expect(response.headers['x-ratelimit-reset']).toBeDefined();
        expect(response.headers['ratelimit-policy']).toBe('"key";q=8;w=60');
        expect(response.headers.ratelimit).toMatch(new RegExp(`^"key";r=${7 - i};t=([1-9]|[1-5][0-9]|60)$`));
      } else {
        expect(response.statusCode).toBe(429);
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(response.headers['x-ratelimit-limit']).toBe('8');
        expect(response.headers['x-ratelimit-remaining']).toBe('0');
        expect(response.headers['ratelimit-policy']).toBe('"key";q=8;w=60');
        expect(response.headers.ratelimit).toMatch(/^"key";r=0;t=([1-9]|[1-5][0-9]|60)$/);
        expect(response.json()).toMatchObject({ code: 429, status: 'Too Many Requests', message: expect.stringMatching(/8 requests per API key/), request_id: expect.any(String) });
      }
    }
    expect(statuses).toEqual([...Array(8).fill(200), 429, 429]);
  });

  it('hold a client address to its limit, whatever key it sends, before the key is even checked', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const app = i % 2 === 0 ? a : b;
      const response = await app.app.inject({ method: 'GET', url: '/urls', headers: { authorization: `Bearer usk_guess${i}` }, ...from('203.0.113.7') });
      statuses.push(response.statusCode);
    }
    expect(statuses).toEqual([...Array(12).fill(401), 429, 429]);
  });

  it('give creates a stricter bucket', async () => {
    const other = await userWithKey(a);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const app = i % 2 === 0 ? a : b;
      const response = await app.app.inject({
        method: 'POST',
        url: '/urls',
        ...withJson(other.auth, { original_url: `https://example.com/${i}` }),
        ...from(`192.0.2.${i + 1}`),
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.json().message).toMatch(/3 creates/);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });

  it('leave redirects answered from a cache alone, never count a code that exists, and limit lookups of unknown codes', async () => {
    const owner = await userWithKey(a);
    const url = (await a.app.inject({ method: 'POST', url: '/urls', ...withJson(owner.auth, { original_url: 'https://example.com/hot' }), ...from('192.0.2.200') })).json();
    const hits: number[] = [];
    for (let i = 0; i < 40; i++) hits.push((await a.app.inject({ method: 'GET', url: `/${url.short_code}`, ...from('198.51.100.99') })).statusCode);
    expect(hits.every((s) => s === 302)).toBe(true);
    // codes that exist but were never visited reach PostgreSQL, and count nothing: more of them than the limit
    const { rows } = await a.db.query<{ short_code: string }>(
      `INSERT INTO urls (user_id, short_code, original_url) SELECT $1, 'fresh' || n, 'https://example.com/fresh' FROM generate_series(1, 8) AS n RETURNING short_code`,
      [owner.id],
    );
    for (const { short_code } of rows) expect((await b.app.inject({ method: 'GET', url: `/${short_code}`, ...from('198.51.100.98') })).headers['x-cache']).toBe('MISS');
    // unknown codes count: the sixth lookup from one address is refused, and the next before PostgreSQL
    const scans: number[] = [];
    for (let i = 0; i < 7; i++) scans.push((await b.app.inject({ method: 'GET', url: `/nope${i}`, ...from('198.51.100.98') })).statusCode);
    expect(scans).toEqual([404, 404, 404, 404, 404, 429, 429]);
    const blocked = await b.app.inject({ method: 'GET', url: '/nope-after', ...from('198.51.100.98') });
    expect(blocked.json().message).toMatch(/^Rate limit exceeded: at most 5 lookups of unknown short codes per client address per 60 s; retry in \d+ s\.$/);
    expect(blocked.headers['ratelimit-policy']).toBe('"redirectMiss";q=5;w=60');
    // the other instance learns from the shared counter at its own next count
    expect((await a.app.inject({ method: 'GET', url: '/nope-a', ...from('198.51.100.98') })).statusCode).toBe(429);
  });
});
