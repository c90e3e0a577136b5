import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, json, type TestApp } from './helpers/app.js';
import { createUrl, createUser, eventsOf, type UrlBody } from './helpers/fixtures.js';
import { RESERVED_CODES, generateShortCode } from '../src/lib/short-code.js';

let t: TestApp;
let owner: { id: number };
beforeAll(async () => {
  t = await buildTestApp();
  owner = await createUser(t);
});
afterAll(async () => {
  await t?.close();
});

describe.each(['/:short_code', '/urls/:short_code/redirect'])('GET %s', (route) => {
  const path = (code: string) => route.replace(':short_code', encodeURIComponent(code));

  it('answers 302 with Location and X-Cache, and records a redirect event that is listed within 1 s', async () => {
    const url = await createUrl(t, owner.id, { original_url: 'https://example.com/target?x=1' });
    const response = await t.app.inject({ method: 'GET', url: path(url.short_code) });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('https://example.com/target?x=1');
    expect(response.headers['x-cache']).toBe('MISS');
    const answeredAt = Date.now();

    const events = await eventually(async () => {
      const listed = await eventsOf(t, url.id, 'redirect');
      return listed.length > 0 ? listed : undefined;
    }, 1000, 20);
    expect(Date.now() - answeredAt).toBeLessThan(1000);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      url_id: url.id,
      user_id: owner.id,
      event_type: 'redirect',
      details: { short_code: url.short_code, original_url: 'https://example.com/target?x=1' },
    });
  });

  it('serves the second redirect from the cache and records an event for each', async () => {
    const url = await createUrl(t, owner.id);
    expect((await t.app.inject({ method: 'GET', url: path(url.short_code) })).headers['x-cache']).toBe('MISS');
    const second = await t.app.inject({ method: 'GET', url: path(url.short_code) });
    expect(second.statusCode).toBe(302);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers.location).toBe(url.original_url);
    await t.app.redirectEvents.flush();
    expect(await eventsOf(t, url.id, 'redirect')).toHaveLength(2);
  });

  it('answers 404 and records nothing for an unknown code', async () => {
    const response = await t.app.inject({ method: 'GET', url: path('nope42') });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 404, status: 'Not Found', message: 'Short code not found.' });
    await t.app.redirectEvents.flush();
    expect((await t.db.query("SELECT count(*)::int AS n FROM events WHERE details->>'short_code' = 'nope42'")).rows[0].n).toBe(0);
  });

  it('answers 404 and records nothing for an inactive URL, from the database and from the cache', async () => {
    const url = await createUrl(t, owner.id);
    // as imported: inactive before anything was cached (a PUT would leave a tombstone that keeps it uncached for a while)
    await t.db.query('UPDATE urls SET is_active = false WHERE id = $1', [url.id]);
    const first = await t.app.inject({ method: 'GET', url: path(url.short_code) });
    expect(first.statusCode).toBe(404);
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await t.app.inject({ method: 'GET', url: path(url.short_code) });
    expect(second.statusCode).toBe(404);
    expect(second.headers['x-cache']).toBe('HIT');
    await t.app.redirectEvents.flush();
    expect(await eventsOf(t, url.id, 'redirect')).toEqual([]);
  });

  it('redirects again once an inactive URL is reactivated, and to the new target after an update', async () => {
    const url = await createUrl(t, owner.id, { original_url: 'https://example.com/one' });
    await t.app.inject({ method: 'GET', url: path(url.short_code) }); // cached
    await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ is_active: false }) });
    expect((await t.app.inject({ method: 'GET', url: path(url.short_code) })).statusCode).toBe(404);
    await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ is_active: true, original_url: 'https://example.com/two' }) });
    const response = await t.app.inject({ method: 'GET', url: path(url.short_code) });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('https://example.com/two');
  });

  it('answers 404 once the URL is deleted, even right after a cached redirect', async () => {
    const url = await createUrl(t, owner.id);
    await t.app.inject({ method: 'GET', url: path(url.short_code) });
    await t.app.inject({ method: 'DELETE', url: `/urls/${url.id}` });
    expect((await t.app.inject({ method: 'GET', url: path(url.short_code) })).statusCode).toBe(404);
    await t.app.redirectEvents.flush(); // the event of the deleted URL is dropped, not an error
    expect(t.app.redirectEvents.size).toBe(0);
  });

  it('does not count a HEAD request as a visit', async () => {
    const url = await createUrl(t, owner.id);
    const response = await t.app.inject({ method: 'HEAD', url: path(url.short_code) });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(url.original_url);
    await t.app.redirectEvents.flush();
    expect(await eventsOf(t, url.id, 'redirect')).toEqual([]);
  });
});

describe('short codes and route names', () => {
  it('never generates a code equal to a route name, in any case', () => {
    for (let i = 0; i < 20_000; i++) {
      const code = generateShortCode();
      expect(code).toMatch(/^[A-Za-z0-9]{6}$/);
      expect(RESERVED_CODES.has(code.toLowerCase())).toBe(false);
    }
  });

  it('keeps /health and /events as routes, while imported codes with those names still redirect through /urls/:short_code/redirect', async () => {
    await t.db.query(
      `INSERT INTO urls (user_id, short_code, original_url) VALUES ($1, 'health', 'https://example.com/h'), ($1, 'events', 'https://example.com/e')`,
      [owner.id],
    );
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/events' })).statusCode).toBe(200);
    const health = await t.app.inject({ method: 'GET', url: '/urls/health/redirect' });
    expect(health.statusCode).toBe(302);
    expect(health.headers.location).toBe('https://example.com/h');
    const events = await t.app.inject({ method: 'GET', url: '/urls/events/redirect' });
    expect(events.headers.location).toBe('https://example.com/e');
  });

  it('sends a target with non-ASCII characters percent-encoded instead of failing', async () => {
    const url: UrlBody = await createUrl(t, owner.id, { original_url: 'https://example.com/päth?q=ü' });
    const response = await t.app.inject({ method: 'GET', url: `/${url.short_code}` });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('https://example.com/p%C3%A4th?q=%C3%BC');
  });

  it.each(['/%00abc', '/a%0Ab', '/%zz'])('answers 4xx, never 5xx, for the path %s', async (path) => {
    const response = await t.app.inject({ method: 'GET', url: path });
    expect([400, 404]).toContain(response.statusCode);
    expect(response.json()).toMatchObject({ code: response.statusCode });
  });
});
