import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, json, type TestApp } from './helpers/app.js';
import { createUrl, createUser, type EventBody, type UrlBody, type UserBody } from './helpers/fixtures.js';

let t: TestApp;
let user: UserBody;
let url: UrlBody;
beforeAll(async () => {
  t = await buildTestApp();
  user = await createUser(t);
  url = await createUrl(t, user.id);
});
afterAll(async () => {
  await t?.close();
});

const post = (body: unknown) => t.app.inject({ method: 'POST', url: '/events', ...json(body) });

describe('POST /events', () => {
  it('records an event with its details object and answers 201', async () => {
    const response = await post({ url_id: url.id, user_id: user.id, event_type: 'click', details: { referrer: 'https://news.example', n: 3, nested: { a: [1, 2] } } });
    expect(response.statusCode).toBe(201);
    const event = response.json<EventBody>();
    expect(Object.keys(event).sort()).toEqual(['details', 'event_type', 'id', 'timestamp', 'url_id', 'user_id']);
    expect(event).toMatchObject({ url_id: url.id, user_id: user.id, event_type: 'click', details: { referrer: 'https://news.example', n: 3, nested: { a: [1, 2] } } });
    expect(event.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('answers 404 for an unknown URL or user', async () => {
    const noUrl = await post({ url_id: 999999, user_id: user.id, event_type: 'click', details: {} });
    expect(noUrl.statusCode).toBe(404);
    expect(noUrl.json()).toEqual({ request_id: expect.any(String), code: 404, status: 'Not Found', message: 'URL 999999 not found.' });
    const noUser = await post({ url_id: url.id, user_id: 999999, event_type: 'click', details: {} });
    expect(noUser.statusCode).toBe(404);
    expect(noUser.json()).toEqual({ request_id: expect.any(String), code: 404, status: 'Not Found', message: 'User 999999 not found.' });
  });

  it.each([
    ['details as a string', { details: '{"a":1}' }, { details: ['Not a valid mapping type.'] }],
    ['details as an array', { details: [1] }, { details: ['Not a valid mapping type.'] }],
    ['details as null', { details: null }, { details: ['Not a valid mapping type.'] }],
    ['missing details', { details: undefined }, { details: ['Missing data for required field.'] }],
    ['an event_type of 51 characters', { event_type: 'e'.repeat(51) }, { event_type: ['Longer than maximum length 50.'] }],
    ['an empty event_type', { event_type: '' }, { event_type: ['Shorter than minimum length 1.'] }],
    ['details over 8 KB', { details: { blob: 'x'.repeat(8200) } }, { details: ['Longer than maximum length 8192 bytes as JSON.'] }],
    ['a NUL inside details', { details: { a: ['ok', 'b\u0000'] } }, { details: ['Must not contain NUL characters.'] }],
    ['a NUL in a details key', { details: { 'k\u0000': 1 } }, { details: ['Must not contain NUL characters.'] }],
    ['an unknown field', { extra: 1 }, { extra: ['Unknown field.'] }],
  ])('answers 422 for %s', async (_name, change, fields) => {
    const response = await post({ url_id: url.id, user_id: user.id, event_type: 'click', details: {}, ...change });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 422, status: 'Unprocessable Entity', errors: { json: fields } });
  });

  it('answers 422, not 500, for details PostgreSQL cannot store (an unpaired surrogate)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/json' },
      payload: `{"url_id":${url.id},"user_id":${user.id},"event_type":"x","details":{"a":"\\ud800"}}`,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 422, status: 'Unprocessable Entity' });
  });

  it('answers 422, not 500, for details nested 400,000 levels deep in a body under 1 MB', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/events',
      headers: { 'content-type': 'application/json' },
      payload: `{"url_id":${url.id},"user_id":${user.id},"event_type":"x","details":{"d":${'['.repeat(400_000)}${']'.repeat(400_000)}}}`,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual({ json: { details: ['Nested deeper than 64 levels.'] } });
  });

  it('accepts details nested 64 levels deep', async () => {
    let details: Record<string, unknown> = {};
    for (let i = 1; i < 64; i++) details = { d: details };
    expect((await post({ url_id: url.id, user_id: user.id, event_type: 'deep', details })).statusCode).toBe(201);
  });

  it('accepts details of exactly 8192 bytes', async () => {
    const details = { blob: 'x'.repeat(8192 - '{"blob":""}'.length) };
    expect(Buffer.byteLength(JSON.stringify(details))).toBe(8192);
    expect((await post({ url_id: url.id, user_id: user.id, event_type: 'big', details })).statusCode).toBe(201);
  });
});

describe('GET /events', () => {
  it('filters by url_id, user_id and event_type and pages by id', async () => {
    const other = await createUser(t);
    const otherUrl = await createUrl(t, other.id);
    for (let i = 0; i < 5; i++) await post({ url_id: otherUrl.id, user_id: other.id, event_type: 'view', details: { i } });
    for (let i = 0; i < 15; i++) await post({ url_id: url.id, user_id: user.id, event_type: 'filler', details: {} });
    await post({ url_id: otherUrl.id, user_id: other.id, event_type: 'share', details: {} });

    const byUrl = await t.app.inject({ method: 'GET', url: `/events?url_id=${otherUrl.id}` });
    expect(byUrl.json<EventBody[]>().map((e) => e.event_type)).toEqual(['created', 'view', 'view', 'view', 'view', 'view', 'share']);
    const byUser = await t.app.inject({ method: 'GET', url: `/events?user_id=${other.id}&event_type=view&per_page=2&page=2` });
    expect(byUser.json<EventBody[]>().map((e) => e.details)).toEqual([{ i: 2 }, { i: 3 }]);
    const ids = (await t.app.inject({ method: 'GET', url: '/events?per_page=100' })).json<EventBody[]>().map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids.length).toBeGreaterThan(20);
    expect((await t.app.inject({ method: 'GET', url: '/events' })).json()).toHaveLength(20);
  });

  it.each([
    ['url_id=x', { url_id: ['Not a valid integer.'] }],
    ['user_id=0', { user_id: ['Must be greater than or equal to 1.'] }],
    ['page=0', { page: ['Must be greater than or equal to 1.'] }],
    ['per_page=1000', { per_page: ['Must be less than or equal to 100.'] }],
    [`event_type=${'e'.repeat(51)}`, { event_type: ['Longer than maximum length 50.'] }],
  ])('answers 422 for %s', async (query, fields) => {
    const response = await t.app.inject({ method: 'GET', url: `/events?${query}` });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 422, status: 'Unprocessable Entity', errors: { query: fields } });
  });
});
