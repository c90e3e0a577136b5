import type { TestApp } from './app.js';

// API keys for the protected-mode tests, made through the repository as an operator would
// with the CLI: the first admin cannot be created over the API.

export interface KeyedUser {
  id: number;
  key: string;
  keyId: number;
  auth: { authorization: string };
}

let sequence = 0;

export async function userWithKey(t: TestApp, { admin = false } = {}): Promise<KeyedUser> {
  sequence++;
  const { rows } = await t.db.query<{ id: number }>('INSERT INTO users (username, email, is_admin) VALUES ($1, $2, $3) RETURNING id', [
    `keyed${sequence}`,
    `keyed${sequence}.${process.hrtime.bigint()}@example.com`,
    admin,
  ]);
  const id = rows[0]!.id;
  const created = (await t.app.apiKeys.create(id, 'test'))!;
  return { id, key: created.key, keyId: created.id, auth: { authorization: `Bearer ${created.key}` } };
}

export const withJson = (auth: { authorization: string }, body: unknown) => ({
  headers: { ...auth, 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});
