import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations.js';
import { buildTestApp, eventually, type TestApp } from './helpers/app.js';
import { userWithKey, withJson, type KeyedUser } from './helpers/keys.js';
import { runNode } from './helpers/process.js';
import { createDatabase } from './helpers/services.js';

// The protected mode (the default): API keys, owners, and what each caller may read.

let t: TestApp;
let admin: KeyedUser;
let alice: KeyedUser;
let bob: KeyedUser;

beforeAll(async () => {
  t = await buildTestApp({ mode: 'protected' });
  admin = await userWithKey(t, { admin: true });
  alice = await userWithKey(t);
  bob = await userWithKey(t);
});
afterAll(async () => {
  await t?.close();
});

function inject(method: string, url: string, auth?: { authorization: string }, body?: unknown) {
  return t.app.inject({
    method: method as 'GET',
    url,
    ...(body === undefined ? { headers: auth ?? {} } : withJson(auth ?? { authorization: '' }, body)),
  });
}

describe('credentials', () => {
  it('answers 401 with WWW-Authenticate to every API request without a valid key, and keeps health, metrics and redirects public', async () => {
    const url = (await inject('POST', '/urls', alice.auth, { original_url: 'https://example.com/public' })).json();
    for (const [method, path] of [
      ['GET', '/users'],
      ['GET', `/users/${alice.id}`],
      ['POST', '/users'],
      ['GET', '/urls'],
      ['PUT', `/urls/${url.id}`],
      ['DELETE', `/urls/${url.id}`],
      ['GET', '/events'],
      ['POST', `/users/${alice.id}/api-keys`],
    ] as const) {
      for (const authorization of [undefined, 'Bearer usk_not-a-key', 'Basic YWxpY2U6c2VjcmV0', `Bearer ${alice.key}x`]) {
        const response = await t.app.inject({ method, url: path, headers: authorization ? { authorization } : {} });
        expect(response.statusCode, `${method} ${path} with ${authorization}`).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(response.json()).toMatchObject({ code: 401, status: 'Unauthorized', message: expect.stringMatching(/API key/) });
      }
    }
    expect((await t.app.inject({ method: 'GET', url: `/${url.short_code}` })).statusCode).toBe(302);
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
  });

  it('stores only a SHA-256 of each key, shows the key once, lists keys without it, and stops accepting a revoked key', async () => {
    const created = await inject('POST', `/users/${alice.id}/api-keys`, alice.auth, { name: 'laptop' });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key).toMatchObject({ user_id: alice.id, name: 'laptop', key: expect.stringMatching(/^usk_[A-Za-z0-9_-]{43}$/), revoked_at: null });
    expect(key.key.startsWith(key.prefix)).toBe(true);

    const { rows } = await t.db.query('SELECT * FROM api_keys WHERE id = $1', [key.id]);
    expect(rows[0].key_hash).toEqual(createHash('sha256').update(key.key).digest());
    expect(JSON.stringify(rows[0])).not.toContain(key.key);

    const listed = await inject('GET', `/users/${alice.id}/api-keys`, alice.auth);
    expect(listed.json().map((k: { id: number }) => k.id)).toContain(key.id);
    expect(listed.body).not.toContain(key.key);

    const fresh = { authorization: `Bearer ${key.key}` };
    expect((await inject('GET', `/users/${alice.id}`, fresh)).statusCode).toBe(200);
    expect((await inject('DELETE', `/users/${alice.id}/api-keys/${key.id}`, bob.auth)).statusCode).toBe(404);
    expect((await inject('DELETE', `/users/${alice.id}/api-keys/${key.id}`, fresh)).statusCode).toBe(204);
    const revoked = await inject('GET', `/users/${alice.id}`, fresh);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().message).toMatch(/revoked/);
    // the user's other key still works
    expect((await inject('GET', `/users/${alice.id}`, alice.auth)).statusCode).toBe(200);
  });

  it('stops accepting a revoked key, or a deleted user’s, on every replica at once, though each keeps valid keys in memory', async () => {
    // a lease long enough that a loaded machine's late ping does not flush the cache mid-test
    const other = await buildTestApp({ mode: 'protected', databaseUrl: t.database.url, env: { CACHE_PREFIX: t.config.cachePrefix, LOCAL_CACHE_LEASE_MS: '5000' } });
    try {
      const key = (await inject('POST', `/users/${bob.id}/api-keys`, bob.auth, {})).json();
      const auth = { authorization: `Bearer ${key.key}` };
      // tracking starts asynchronously after boot; until then nothing is kept locally
      await eventually(async () => other.app.cache.local?.usable);
      // held in memory: the database no longer decides, only the invalidation can
      await eventually(async () => {
        expect((await other.app.inject({ method: 'GET', url: `/users/${bob.id}`, headers: auth })).statusCode).toBe(200);
        return (other.app.cache.local?.size ?? 0) > 0;
      });
      expect((await inject('DELETE', `/users/${bob.id}/api-keys/${key.id}`, bob.auth)).statusCode).toBe(204);
      expect((await other.app.inject({ method: 'GET', url: `/users/${bob.id}`, headers: auth })).statusCode).toBe(401);

      // a deleted user's keys go with it, on every replica
      const erin = (await inject('POST', '/users', admin.auth, { username: 'erin', email: 'erin@example.com' })).json();
      const erinKey = { authorization: `Bearer ${(await inject('POST', `/users/${erin.id}/api-keys`, admin.auth, {})).json().key}` };
      expect((await other.app.inject({ method: 'GET', url: `/users/${erin.id}`, headers: erinKey })).statusCode).toBe(200);
      expect((await inject('DELETE', `/users/${erin.id}`, admin.auth)).statusCode).toBe(204);
      expect((await other.app.inject({ method: 'GET', url: '/urls', headers: erinKey })).statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('lets an admin create users and keys for them, and nobody else', async () => {
    const body = { username: 'carol', email: 'carol@example.com' };
    expect((await inject('POST', '/users', alice.auth, body)).statusCode).toBe(403);
    const carol = await inject('POST', '/users', admin.auth, body);
    expect(carol.statusCode).toBe(201);
    expect((await inject('POST', `/users/${carol.json().id}/api-keys`, alice.auth, {})).statusCode).toBe(404);
    const key = await inject('POST', `/users/${carol.json().id}/api-keys`, admin.auth, {});
    expect(key.statusCode).toBe(201);
    expect((await inject('GET', `/users/${carol.json().id}`, { authorization: `Bearer ${key.json().key}` })).json().email).toBe('carol@example.com');
  });
});

describe('reads of users', () => {
  it('return only the caller’s own record unless the key is an admin’s', async () => {
    const own = await inject('GET', '/users', alice.auth);
    expect(own.statusCode).toBe(200);
    expect(own.json().map((u: { id: number }) => u.id)).toEqual([alice.id]);
    expect((await inject('GET', `/users/${alice.id}`, alice.auth)).json().id).toBe(alice.id);
    const other = await inject('GET', `/users/${bob.id}`, alice.auth);
    expect(other.statusCode).toBe(404);
    expect(other.body).not.toContain('@example.com');
    expect((await inject('PUT', `/users/${bob.id}`, alice.auth, { username: 'mallory' })).statusCode).toBe(404);
    expect((await inject('DELETE', `/users/${bob.id}`, alice.auth)).statusCode).toBe(404);

    const all = await inject('GET', '/users?per_page=100', admin.auth);
    expect(all.json().map((u: { id: number }) => u.id)).toEqual(expect.arrayContaining([admin.id, alice.id, bob.id]));
    expect((await inject('GET', `/users/${bob.id}`, admin.auth)).statusCode).toBe(200);
  });
});

describe('links', () => {
  it('are created for the caller, changed and deleted only by their owner, and listed per owner', async () => {
    const created = await inject('POST', '/urls', alice.auth, { original_url: 'https://example.com/alice', title: 'mine' });
    expect(created.statusCode).toBe(201);
    const url = created.json();
    expect(url.user_id).toBe(alice.id);
    expect((await inject('POST', '/urls', alice.auth, { user_id: bob.id, original_url: 'https://example.com/x' })).statusCode).toBe(403);

    // bob may not even read it: 404; the admin reads it, and is told it may not change it
    expect((await inject('PUT', `/urls/${url.id}`, bob.auth, { original_url: 'https://evil.example/' })).statusCode).toBe(404);
    expect((await inject('DELETE', `/urls/${url.id}`, bob.auth)).statusCode).toBe(404);
    const put = await inject('PUT', `/urls/${url.id}`, admin.auth, { original_url: 'https://evil.example/' });
    expect(put.statusCode).toBe(403);
    expect(put.json().message).toMatch(/only its owner/);
    expect((await inject('DELETE', `/urls/${url.id}`, admin.auth)).statusCode).toBe(403);
    expect((await t.db.query('SELECT original_url FROM urls WHERE id = $1', [url.id])).rows[0].original_url).toBe('https://example.com/alice');
    const redirect = await t.app.inject({ method: 'GET', url: `/${url.short_code}` });
    expect(redirect.headers.location).toBe('https://example.com/alice');

    expect((await inject('GET', `/urls/${url.id}`, bob.auth)).statusCode).toBe(404);
    expect((await inject('GET', `/urls?user_id=${alice.id}`, bob.auth)).statusCode).toBe(403);
    const bobs = await inject('GET', '/urls', bob.auth);
    expect(bobs.json().every((u: { user_id: number }) => u.user_id === bob.id)).toBe(true);
    expect((await inject('GET', '/events', bob.auth)).json().every((e: { user_id: number }) => e.user_id === bob.id)).toBe(true);
    expect((await inject('POST', '/events', bob.auth, { url_id: url.id, user_id: bob.id, event_type: 'x', details: {} })).statusCode).toBe(404);

    const updated = await inject('PUT', `/urls/${url.id}`, alice.auth, { original_url: 'https://example.com/alice2' });
    expect(updated.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/${url.short_code}` })).headers.location).toBe('https://example.com/alice2');
    expect((await inject('DELETE', `/urls/${url.id}`, alice.auth)).statusCode).toBe(204);
  });

  it('get random short codes, not derived from their sequential ids', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) codes.push((await inject('POST', '/urls', alice.auth, { original_url: `https://example.com/r${i}` })).json().short_code);
    expect(new Set(codes).size).toBe(20);
    for (const code of codes) expect(code).toMatch(/^[A-Za-z0-9]{6}$/);
    // consecutive codes share no common prefix pattern of a counter
    const sorted = [...codes].sort();
    expect(sorted).not.toEqual(codes);
  });
});

describe('ids of records a caller may not read', () => {
  it('answer 404 with the same body as ids that do not exist, so they cannot be enumerated', async () => {
    const url = (await inject('POST', '/urls', alice.auth, { original_url: 'https://example.com/hidden' })).json();
    const missingUser = 2_000_000_000;
    const missingUrl = 2_000_000_001;
    const routes: [string, string, 'user' | 'url', unknown?][] = [
      ['GET', '/users/{id}', 'user'],
      ['PUT', '/users/{id}', 'user', { username: 'x' }],
      ['DELETE', '/users/{id}', 'user'],
      ['GET', '/users/{id}/api-keys', 'user'],
      ['POST', '/users/{id}/api-keys', 'user', {}],
      ['DELETE', `/users/{id}/api-keys/${alice.keyId}`, 'user'],
      ['GET', '/urls/{id}', 'url'],
      ['PUT', '/urls/{id}', 'url', { title: 'x' }],
      ['DELETE', '/urls/{id}', 'url'],
    ];
    // twice: the second read of an existing URL comes from the cache
    for (const round of [1, 2]) {
      for (const [method, path, kind, body] of routes) {
        const [existing, missing] = kind === 'user' ? [alice.id, missingUser] : [url.id, missingUrl];
        const hidden = await inject(method, path.replace('{id}', String(existing)), bob.auth, body);
        const absent = await inject(method, path.replace('{id}', String(missing)), bob.auth, body);
        expect([hidden.statusCode, absent.statusCode], `${method} ${path}, round ${round}`).toEqual([404, 404]);
        expect(hidden.json().message, `${method} ${path}`).toBe(absent.json().message.replace(String(missing), String(existing)));
      }
    }
    const event = { url_id: url.id, user_id: bob.id, event_type: 'x', details: {} };
    const hidden = await inject('POST', '/events', bob.auth, event);
    const absent = await inject('POST', '/events', bob.auth, { ...event, url_id: missingUrl });
    expect([hidden.statusCode, absent.statusCode]).toEqual([404, 404]);
    expect(hidden.json().message).toBe(absent.json().message.replace(String(missingUrl), String(url.id)));
    // nothing was changed behind the 404s
    expect((await inject('GET', `/urls/${url.id}`, alice.auth)).json().title).toBe('');
    expect((await inject('GET', `/users/${alice.id}`, alice.auth)).statusCode).toBe(200);
  });
});

describe('an open instance sharing the database', () => {
  it('never mints, lists or revokes API keys anonymously, so the protected instance holds no key that anyone could have minted', async () => {
    const open = await buildTestApp({ mode: 'open', databaseUrl: t.database.url });
    try {
      const keysOf = async (id: number) => (await t.db.query('SELECT id, revoked_at FROM api_keys WHERE user_id = $1 ORDER BY id', [id])).rows;
      const before = await keysOf(alice.id);
      const refused = [
        await open.app.inject({ method: 'POST', url: `/users/${alice.id}/api-keys`, ...withJson({ authorization: '' }, { name: 'mine now' }) }),
        await open.app.inject({ method: 'GET', url: `/users/${alice.id}/api-keys` }),
        await open.app.inject({ method: 'DELETE', url: `/users/${alice.id}/api-keys/${alice.keyId}` }),
      ];
      for (const response of refused) {
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({
          code: 403,
          status: 'Forbidden',
          message:
            'API keys are not issued, listed or revoked while OPEN_API=true, where anyone could do it for any user: ' +
            'issue them with npm run app:api-key, or through an instance with OPEN_API=false.',
          request_id: expect.any(String),
        });
      }
      expect(await keysOf(alice.id)).toEqual(before);
      // the key the protected side issued is untouched, and still the only way in there
      expect((await inject('GET', `/users/${alice.id}`, alice.auth)).statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('the first admin', () => {
  it('gets a key from the CLI (npm run app:api-key), which then creates users over the API', async () => {
    const { rows } = await t.db.query<{ id: number }>("INSERT INTO users (username, email) VALUES ('root', 'root@example.com') RETURNING id");
    const cli = runNode('build/api-key-cli.js', [String(rows[0]!.id), '--admin', '--name', 'bootstrap'], { DATABASE_URL: t.database.url });
    expect((await cli.exited).code).toBe(0);
    const key = cli.output().split('\n')[0]!;
    expect(key).toMatch(/^usk_/);
    const created = await inject('POST', '/users', { authorization: `Bearer ${key}` }, { username: 'dave', email: 'dave@example.com' });
    expect(created.statusCode).toBe(201);
    const missing = runNode('build/api-key-cli.js', ['999999'], { DATABASE_URL: t.database.url });
    expect((await missing.exited).code).toBe(1);
    expect(missing.output()).toContain('user 999999 does not exist');
  });
});

describe('the migration to API keys', () => {
  it('is additive: existing users, links and events are kept, and users are not admins', async () => {
    const database = await createDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    try {
      await migrate(pool, migrations.filter((m) => m.version === 1));
      await pool.query("INSERT INTO users (username, email) VALUES ('old', 'old@example.com')");
      await pool.query("INSERT INTO urls (user_id, short_code, original_url) SELECT id, 'abc123', 'https://example.com/old' FROM users");
      expect(await migrate(pool)).toEqual(migrations.filter((m) => m.version > 1).map((m) => m.version));
      const { rows } = await pool.query('SELECT u.email, u.is_admin, l.short_code FROM users u JOIN urls l ON l.user_id = u.id');
      expect(rows).toEqual([{ email: 'old@example.com', is_admin: false, short_code: 'abc123' }]);
    } finally {
      await pool.end();
      await database.drop();
    }
  });
});
