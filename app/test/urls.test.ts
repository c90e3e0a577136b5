import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, json, type TestApp } from './helpers/app.js';
import { createUrl, createUser, eventsOf, type UrlBody } from './helpers/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

describe('POST /urls', () => {
  it('creates an active URL with a new 6-character short code and answers 201', async () => {
    const user = await createUser(t);
    const response = await t.app.inject({
      method: 'POST',
      url: '/urls',
      ...json({ user_id: user.id, original_url: 'https://example.com/docs?q=1#top', title: 'Docs' }),
    });
    expect(response.statusCode).toBe(201);
    const url = response.json<UrlBody>();
    expect(Object.keys(url).sort()).toEqual(['created_at', 'id', 'is_active', 'original_url', 'short_code', 'title', 'updated_at', 'user_id']);
    expect(url).toMatchObject({ user_id: user.id, original_url: 'https://example.com/docs?q=1#top', title: 'Docs', is_active: true });
    expect(url.short_code).toMatch(/^[A-Za-z0-9]{6}$/);
    expect(url.created_at).toMatch(TIME);
    expect(url.updated_at).toBe(url.created_at);
  });

  it('writes a created event with the short code and the original URL', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id, { original_url: 'https://example.com/created' });
    const events = await eventsOf(t, url.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      url_id: url.id,
      user_id: user.id,
      event_type: 'created',
      details: { short_code: url.short_code, original_url: 'https://example.com/created' },
    });
    expect(events[0]!.timestamp).toMatch(TIME);
  });

  it('gives the same URL posted twice two rows with different codes', async () => {
    const user = await createUser(t);
    const first = await createUrl(t, user.id, { original_url: 'https://example.com/same' });
    const second = await createUrl(t, user.id, { original_url: 'https://example.com/same' });
    expect(second.id).not.toBe(first.id);
    expect(second.short_code).not.toBe(first.short_code);
  });

  it('defaults the title to empty', async () => {
    const user = await createUser(t);
    const response = await t.app.inject({ method: 'POST', url: '/urls', ...json({ user_id: user.id, original_url: 'http://example.org' }) });
    expect(response.statusCode).toBe(201);
    expect(response.json().title).toBe('');
  });

  it('answers 404 for an unknown user and creates nothing', async () => {
    const before = (await t.db.query('SELECT count(*)::int AS n FROM urls')).rows[0].n;
    const response = await t.app.inject({ method: 'POST', url: '/urls', ...json({ user_id: 999999, original_url: 'https://example.com' }) });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 404, status: 'Not Found', message: 'User 999999 not found.' });
    expect((await t.db.query('SELECT count(*)::int AS n FROM urls')).rows[0].n).toBe(before);
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    ['hello'],
    ['ftp://example.com/file'],
    ['http://'],
    ['https:example.com'],
    ['//example.com/path'],
    ['http://exa mple.com'],
    [' https://example.com'],
    ['https://example.com/\u0000'],
  ])('answers 422 for the original_url %j', async (originalUrl) => {
    const user = await createUser(t);
    const response = await t.app.inject({ method: 'POST', url: '/urls', ...json({ user_id: user.id, original_url: originalUrl }) });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      request_id: expect.any(String),
      code: 422,
      status: 'Unprocessable Entity',
      errors: { json: { original_url: ['Not a valid URL: use an absolute http or https address with a host.'] } },
    });
  });

  it.each([
    ['a missing original_url', { user_id: 1 }, { original_url: ['Missing data for required field.'] }],
    ['a missing user_id', { original_url: 'https://example.com' }, { user_id: ['Missing data for required field.'] }],
    ['a user_id given as a string', { user_id: '1', original_url: 'https://example.com' }, { user_id: ['Not a valid integer.'] }],
    ['a user_id beyond the integer range', { user_id: 2147483648, original_url: 'https://example.com' }, { user_id: ['Must be less than or equal to 2147483647.'] }],
    ['a title of 201 characters', { user_id: 1, original_url: 'https://example.com', title: 't'.repeat(201) }, { title: ['Longer than maximum length 200.'] }],
    ['an original_url of 2049 characters', { user_id: 1, original_url: `https://example.com/${'p'.repeat(2029)}` }, { original_url: ['Longer than maximum length 2048.'] }],
    ['a short_code chosen by the client', { user_id: 1, original_url: 'https://example.com', short_code: 'mine01' }, { short_code: ['Unknown field.'] }],
    ['a null title', { user_id: 1, original_url: 'https://example.com', title: null }, { title: ['Not a valid string.'] }],
  ])('answers 422 for %s', async (_name, body, fields) => {
    const response = await t.app.inject({ method: 'POST', url: '/urls', ...json(body) });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 422, status: 'Unprocessable Entity', errors: { json: fields } });
  });

  it('accepts an original_url of exactly 2048 characters', async () => {
    const user = await createUser(t);
    const originalUrl = `https://example.com/${'p'.repeat(2028)}`;
    expect(originalUrl).toHaveLength(2048);
    const url = await createUrl(t, user.id, { original_url: originalUrl });
    expect(url.original_url).toBe(originalUrl);
  });
});

describe('GET /urls', () => {
  it('pages by id with 20 per page by default and filters by user and state', async () => {
    const owner = await createUser(t);
    const created: UrlBody[] = [];
    for (let i = 0; i < 23; i++) created.push(await createUrl(t, owner.id));
    await t.app.inject({ method: 'PUT', url: `/urls/${created[1]!.id}`, ...json({ is_active: false }) });

    const first = await t.app.inject({ method: 'GET', url: `/urls?user_id=${owner.id}` });
    expect(first.statusCode).toBe(200);
    expect(first.json<UrlBody[]>().map((u) => u.id)).toEqual(created.slice(0, 20).map((u) => u.id));
    const second = await t.app.inject({ method: 'GET', url: `/urls?user_id=${owner.id}&page=2` });
    expect(second.json<UrlBody[]>().map((u) => u.id)).toEqual(created.slice(20).map((u) => u.id));
    const small = await t.app.inject({ method: 'GET', url: `/urls?user_id=${owner.id}&page=3&per_page=5` });
    expect(small.json<UrlBody[]>().map((u) => u.id)).toEqual(created.slice(10, 15).map((u) => u.id));

    for (const value of ['false', 'False', '0']) {
      const inactive = await t.app.inject({ method: 'GET', url: `/urls?user_id=${owner.id}&is_active=${value}` });
      expect(inactive.json<UrlBody[]>().map((u) => u.id)).toEqual([created[1]!.id]);
    }
    const active = await t.app.inject({ method: 'GET', url: `/urls?user_id=${owner.id}&is_active=true&per_page=100` });
    expect(active.json<UrlBody[]>()).toHaveLength(22);
  });

  it('lists all users’ URLs ordered by id without a filter', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/urls?per_page=100' });
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM urls ORDER BY id LIMIT 100');
    expect(response.json<UrlBody[]>().map((u) => u.id)).toEqual(rows.map((r) => r.id));
  });

  it.each([
    ['user_id=abc', { user_id: ['Not a valid integer.'] }],
    ['is_active=maybe', { is_active: ['Must be one of: true, false, True, False, 1, 0.'] }],
    ['page=0', { page: ['Must be greater than or equal to 1.'] }],
    ['per_page=-5', { per_page: ['Must be greater than or equal to 1.'] }],
    ['per_page=x', { per_page: ['Not a valid integer.'] }],
  ])('answers 422 for %s', async (query, fields) => {
    const response = await t.app.inject({ method: 'GET', url: `/urls?${query}` });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 422, status: 'Unprocessable Entity', errors: { query: fields } });
  });
});

describe('GET /urls/:id', () => {
  it('returns the URL, and 404 when it is missing or the id cannot be one', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id);
    const response = await t.app.inject({ method: 'GET', url: `/urls/${url.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(url);
    for (const id of ['999999', 'abc', '4294967296', '-3']) {
      const missing = await t.app.inject({ method: 'GET', url: `/urls/${id}` });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 404, status: 'Not Found' });
    }
  });
});

describe('PUT /urls/:id', () => {
  it('updates title, is_active and original_url, advances updated_at and writes one updated event per changed field', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id, { title: 'old', original_url: 'https://example.com/old' });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // times have one-second resolution
    const response = await t.app.inject({
      method: 'PUT',
      url: `/urls/${url.id}`,
      ...json({ title: 'new', is_active: false, original_url: 'https://example.com/new' }),
    });
    expect(response.statusCode).toBe(200);
    const updated = response.json<UrlBody>();
    expect(updated).toMatchObject({ ...url, title: 'new', is_active: false, original_url: 'https://example.com/new', updated_at: expect.any(String) });
    expect(updated.updated_at > url.updated_at).toBe(true);
    expect(updated.created_at).toBe(url.created_at);

    const events = await eventsOf(t, url.id, 'updated');
    expect(events.map((e) => e.details)).toEqual([
      { field: 'title', new_value: 'new' },
      { field: 'is_active', new_value: 'False' },
      { field: 'original_url', new_value: 'https://example.com/new' },
    ]);
    expect(events.every((e) => e.user_id === user.id)).toBe(true);
  });

  it('writes updated events only for fields whose value really changed', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id, { title: 'same' });
    const response = await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ title: 'same', is_active: true }) });
    expect(response.statusCode).toBe(200);
    expect(await eventsOf(t, url.id, 'updated')).toEqual([]);
    await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ title: 'same', is_active: false }) });
    await t.app.inject({ method: 'PUT', url: `/urls/${url.id}`, ...json({ is_active: true }) });
    expect((await eventsOf(t, url.id, 'updated')).map((e) => e.details)).toEqual([
      { field: 'is_active', new_value: 'False' },
      { field: 'is_active', new_value: 'True' },
    ]);
  });

  it('answers 404 for a missing URL and 422 for fields that cannot be updated', async () => {
    expect((await t.app.inject({ method: 'PUT', url: '/urls/999999', ...json({ title: 'x' }) })).statusCode).toBe(404);
    const user = await createUser(t);
    const url = await createUrl(t, user.id);
    const response = await t.app.inject({
      method: 'PUT',
      url: `/urls/${url.id}`,
      ...json({ short_code: 'abc', is_active: 'yes', original_url: 'javascript:void(0)' }),
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.json).toEqual({
      short_code: ['Unknown field.'],
      is_active: ['Not a valid boolean.'],
      original_url: ['Not a valid URL: use an absolute http or https address with a host.'],
    });
    expect((await t.app.inject({ method: 'GET', url: `/urls/${url.id}` })).json()).toEqual(url);
  });
});

describe('DELETE /urls/:id', () => {
  it('removes the URL and its events and answers 204', async () => {
    const user = await createUser(t);
    const url = await createUrl(t, user.id);
    const response = await t.app.inject({ method: 'DELETE', url: `/urls/${url.id}` });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await t.app.inject({ method: 'GET', url: `/urls/${url.id}` })).statusCode).toBe(404);
    expect((await t.db.query('SELECT count(*)::int AS n FROM events WHERE url_id = $1', [url.id])).rows[0].n).toBe(0);
    expect((await t.app.inject({ method: 'DELETE', url: `/urls/${url.id}` })).statusCode).toBe(404);
  });
});
