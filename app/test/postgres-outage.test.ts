import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, json, type TestApp } from './helpers/app.js';
import { createUrl, createUser, eventsOf, type UrlBody, type UserBody } from './helpers/fixtures.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './helpers/throwaway.js';

let pg: ThrowawayPostgres;
let t: TestApp;

beforeAll(async () => {
  pg = await startThrowawayPostgres();
  t = await buildTestApp({ databaseUrl: pg.url });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await pg?.destroy();
});

const unavailable = { request_id: expect.any(String), code: 503, status: 'Service Unavailable', message: 'The database is unavailable; try again shortly.' };

describe('when PostgreSQL stops and comes back', () => {
  it('turns /ready to 503 within 2 s, fails writes with a JSON 503, keeps cached reads, and recovers without a restart losing no acknowledged write', async () => {
    const acknowledged: UserBody[] = [];
    for (let i = 0; i < 5; i++) acknowledged.push(await createUser(t));
    const url: UrlBody = await createUrl(t, acknowledged[0]!.id);
    await t.app.inject({ method: 'GET', url: `/users/${acknowledged[1]!.id}` });
    await t.app.inject({ method: 'GET', url: `/${url.short_code}` }); // cached from now on
    await t.app.redirectEvents.flush();

    await pg.stop('immediate');
    const stoppedAt = Date.now();
    const ready = await eventually(async () => {
      const response = await t.app.inject({ method: 'GET', url: '/ready' });
      return response.statusCode === 503 ? response : undefined;
    }, 2000, 50);
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    expect(ready.json()).toEqual({ status: 'error', reason: 'database unreachable' });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    const writes = [
      t.app.inject({ method: 'POST', url: '/users', ...json({ username: 'x', email: 'down@example.com' }) }),
      t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ title: 'down' }) }),
      t.app.inject({ method: 'POST', url: '/urls', ...json({ user_id: acknowledged[0]!.id, original_url: 'https://example.com/down' }) }),
      t.app.inject({ method: 'DELETE', url: `/users/${acknowledged[4]!.id}` }),
      t.app.inject({ method: 'POST', url: '/events', ...json({ url_id: url.id, user_id: acknowledged[0]!.id, event_type: 'x', details: {} }) }),
    ];
    for (const response of await Promise.all(writes)) {
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual(unavailable);
    }
    expect((await t.app.inject({ method: 'GET', url: '/events' })).statusCode).toBe(503);

    // served from Valkey while the database is away; the redirect's event waits in memory
    const cachedUser = await t.app.inject({ method: 'GET', url: `/users/${acknowledged[1]!.id}` });
    expect(cachedUser.statusCode).toBe(200);
    expect(cachedUser.headers['x-cache']).toBe('HIT');
    const redirect = await t.app.inject({ method: 'GET', url: `/${url.short_code}` });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers['x-cache']).toBe('HIT');
    await t.app.redirectEvents.flush();
    expect(t.app.redirectEvents.size).toBe(1);

    await pg.start();
    await eventually(async () => (await t.app.inject({ method: 'GET', url: '/ready' })).statusCode === 200, 10_000, 100);
    const after = await t.app.inject({ method: 'POST', url: '/users', ...json({ username: 'back', email: 'back@example.com' }) });
    expect(after.statusCode).toBe(201);

    // every write answered 2xx is there, and the buffered redirect event arrives
    const { rows } = await t.db.query<{ id: number; email: string }>('SELECT id, email FROM users ORDER BY id');
    expect(rows.map((r) => r.email)).toEqual([...acknowledged.map((u) => u.email), 'back@example.com']);
    const redirects = await eventually(async () => {
      const listed = await eventsOf(t, url.id, 'redirect');
      return listed.length === 2 ? listed : undefined;
    }, 3000);
    expect(redirects.map((e) => e.details)).toEqual([
      { short_code: url.short_code, original_url: url.original_url },
      { short_code: url.short_code, original_url: url.original_url },
    ]);
    expect((await t.app.inject({ method: 'GET', url: `/urls/${url.id}` })).json().title).toBe(url.title);
  }, 60_000);
});
