import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, json, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
let counter = 0;
const uniqueEmail = () => `user${++counter}.${Date.now()}@example.com`;

async function createUser(body: Record<string, unknown> = {}) {
  const response = await t.app.inject({ method: 'POST', url: '/users', ...json({ username: 'alice', email: uniqueEmail(), ...body }) });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: number; username: string; email: string; created_at: string }>();
}

describe('POST /users', () => {
  it('creates a user and answers 201 with id, username, email and a UTC created_at', async () => {
    const email = uniqueEmail();
    const response = await t.app.inject({ method: 'POST', url: '/users', ...json({ username: 'alice', email }) });
    expect(response.statusCode).toBe(201);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const user = response.json();
    expect(Object.keys(user).sort()).toEqual(['created_at', 'email', 'id', 'username']);
    expect(user).toMatchObject({ username: 'alice', email });
    expect(user.created_at).toMatch(TIME);
    expect(Math.abs(Date.parse(`${user.created_at}Z`) - Date.now())).toBeLessThan(5000);
  });

  it('returns 409 when the email already belongs to a user, whatever its case', async () => {
    const { email } = await createUser();
    for (const again of [email, email.toUpperCase()]) {
      const response = await t.app.inject({ method: 'POST', url: '/users', ...json({ username: 'other', email: again }) });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ request_id: expect.any(String), code: 409, status: 'Conflict', message: 'A user with this email already exists.' });
    }
  });

  it('allows two users with the same username', async () => {
    const first = await createUser({ username: 'twin' });
    const second = await createUser({ username: 'twin' });
    expect(second.id).not.toBe(first.id);
  });

  it.each([
    ['a missing email', { username: 'a' }, { email: ['Missing data for required field.'] }],
    ['an empty username', { username: '', email: 'e@example.com' }, { username: ['Must not be blank.'] }],
    ['a blank username', { username: '   ', email: 'e@example.com' }, { username: ['Must not be blank.'] }],
    ['an invalid email', { username: 'a', email: 'not-an-email' }, { email: ['Not a valid email address.'] }],
    ['a username of 81 characters', { username: 'x'.repeat(81), email: 'e@example.com' }, { username: ['Longer than maximum length 80.'] }],
    ['an email of 255 characters', { username: 'a', email: `${'x'.repeat(243)}@example.com` }, { email: ['Longer than maximum length 254.'] }],
    ['a number as username', { username: 5, email: 'e@example.com' }, { username: ['Not a valid string.'] }],
    ['an unknown field', { username: 'a', email: 'e@example.com', admin: true }, { admin: ['Unknown field.'] }],
    ['unknown fields named like Object methods', { username: 'a', email: 'e@example.com', constructor: 1, toString: 'x' }, { constructor: ['Unknown field.'], toString: ['Unknown field.'] }],
    ['a NUL in the username', { username: 'a\u0000b', email: 'e@example.com' }, { username: ['Must not contain NUL characters.'] }],
  ])('answers 422 for %s', async (_name, body, fields) => {
    const response = await t.app.inject({ method: 'POST', url: '/users', ...json(body) });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 422, status: 'Unprocessable Entity', errors: { json: fields } });
  });

  it('accepts a username of exactly 80 characters and an email of exactly 254', async () => {
    const email = `${'y'.repeat(242 - String(counter).length)}${++counter}@example.com`;
    expect(email).toHaveLength(254);
    const user = await createUser({ username: 'x'.repeat(80), email });
    expect(user.username).toHaveLength(80);
  });
});

describe('GET /users', () => {
  it('pages users in open mode too: 20 by id without paging parameters, then the next page from X-Next-Cursor', async () => {
    // seed 002 listed every user here: 22 MB for 200,000 of them
    while ((await t.db.query('SELECT 1 FROM users')).rowCount! < 25) await createUser();
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM users ORDER BY id');
    const first = await t.app.inject({ method: 'GET', url: '/users' });
    expect(first.statusCode).toBe(200);
    expect(first.json<{ id: number }[]>().map((u) => u.id)).toEqual(rows.slice(0, 20).map((r) => r.id));
    expect(first.headers['x-next-cursor']).toBe(String(rows[19]!.id));
    const next = await t.app.inject({ method: 'GET', url: `/users?cursor=${first.headers['x-next-cursor']}&per_page=100` });
    expect(next.json<{ id: number }[]>().map((u) => u.id)).toEqual(rows.slice(20).map((r) => r.id));
    expect(next.headers['x-next-cursor']).toBeUndefined();
  });

  it('returns one page as soon as page or per_page is given', async () => {
    while ((await t.db.query('SELECT 1 FROM users')).rowCount! < 5) await createUser();
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM users ORDER BY id');
    const ids = rows.map((r) => r.id);
    const page2 = await t.app.inject({ method: 'GET', url: '/users?page=2&per_page=2' });
    expect(page2.json<{ id: number }[]>().map((u) => u.id)).toEqual(ids.slice(2, 4));
    const perPageOnly = await t.app.inject({ method: 'GET', url: '/users?per_page=3' });
    expect(perPageOnly.json<{ id: number }[]>().map((u) => u.id)).toEqual(ids.slice(0, 3));
    const pageOnly = await t.app.inject({ method: 'GET', url: '/users?page=1' });
    expect(pageOnly.json<{ id: number }[]>().map((u) => u.id)).toEqual(ids.slice(0, 20));
    const last = await t.app.inject({ method: 'GET', url: '/users?page=101&per_page=100' });
    expect(last.json()).toEqual([]);
    // deeper offsets are refused (PAGE_OFFSET_MAX, 10,000 rows), naming the cursor parameter
    const beyond = await t.app.inject({ method: 'GET', url: '/users?page=1000&per_page=100' });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().errors.query.page[0]).toMatch(/page with the cursor parameter/);
  });

  it.each([
    ['page=0', { page: ['Must be greater than or equal to 1.'] }],
    ['page=-1', { page: ['Must be greater than or equal to 1.'] }],
    ['page=abc', { page: ['Not a valid integer.'] }],
    ['per_page=0', { per_page: ['Must be greater than or equal to 1.'] }],
    ['per_page=101', { per_page: ['Must be less than or equal to 100.'] }],
    ['per_page=1.5', { per_page: ['Not a valid integer.'] }],
  ])('answers 422 for %s', async (query, fields) => {
    const response = await t.app.inject({ method: 'GET', url: `/users?${query}` });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 422, status: 'Unprocessable Entity', errors: { query: fields } });
  });
});

describe('GET /users/:id', () => {
  it('returns the user', async () => {
    const user = await createUser();
    const response = await t.app.inject({ method: 'GET', url: `/users/${user.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(user);
  });

  it.each(['999999', '0', '-1', 'abc', '2147483648', '99999999999999999999', '1.5'])('answers 404 for id %s', async (id) => {
    const response = await t.app.inject({ method: 'GET', url: `/users/${id}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 404, status: 'Not Found' });
  });
});

describe('PUT /users/:id', () => {
  it('updates only the fields sent', async () => {
    const user = await createUser({ username: 'before' });
    const response = await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ username: 'after' }) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...user, username: 'after' });
    const email = uniqueEmail();
    const second = await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ email }) });
    expect(second.json()).toEqual({ ...user, username: 'after', email });
  });

  it('returns 409 when the new email belongs to another user', async () => {
    const owner = await createUser();
    const user = await createUser();
    const response = await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ email: owner.email }) });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 409, status: 'Conflict', message: 'A user with this email already exists.' });
    expect((await t.db.query('SELECT email FROM users WHERE id = $1', [user.id])).rows[0].email).toBe(user.email);
  });

  it('accepts the user keeping their own email', async () => {
    const user = await createUser();
    const response = await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ email: user.email }) });
    expect(response.statusCode).toBe(200);
  });

  it('answers 404 for a missing user and 422 for an invalid body', async () => {
    expect((await t.app.inject({ method: 'PUT', url: '/users/999999', ...json({ username: 'x' }) })).statusCode).toBe(404);
    const user = await createUser();
    const invalid = await t.app.inject({ method: 'PUT', url: `/users/${user.id}`, ...json({ email: 'nope', id: 5 }) });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json().errors.json).toEqual({ email: ['Not a valid email address.'], id: ['Unknown field.'] });
  });
});

describe('DELETE /users/:id', () => {
  it('deletes the user and answers 204 with no body', async () => {
    const user = await createUser();
    const response = await t.app.inject({ method: 'DELETE', url: `/users/${user.id}` });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await t.app.inject({ method: 'GET', url: `/users/${user.id}` })).statusCode).toBe(404);
  });

  it('answers 404 when the user does not exist', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/users/999999' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ request_id: expect.any(String), code: 404, status: 'Not Found', message: 'User 999999 not found.' });
  });

  it('returns 409 saying so when the user still owns URLs', async () => {
    const user = await createUser();
    for (const path of ['a', 'b']) {
      await t.app.inject({ method: 'POST', url: '/urls', ...json({ user_id: user.id, original_url: `https://example.com/${path}` }) });
    }
    const response = await t.app.inject({ method: 'DELETE', url: `/users/${user.id}` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      request_id: expect.any(String),
      code: 409,
      status: 'Conflict',
      message: `User ${user.id} still owns 2 URLs; delete them first.`,
    });
    expect((await t.app.inject({ method: 'GET', url: `/users/${user.id}` })).statusCode).toBe(200);
  });
});
