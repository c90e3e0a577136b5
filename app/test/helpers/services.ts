import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';

// The shared PostgreSQL and Redis the tests use. Every test file gets its own database
// and its own key prefix, and removes both afterwards: these servers belong to others too.

export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://platform_test:platform_test@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export const uniqueName = (stem: string): string => `${stem}_${randomBytes(5).toString('hex')}`;

/** Fails with a message saying what to start, instead of a connection error deep in a test. */
export async function requireServices(): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_DATABASE_URL} (${(error as Error).message}). ` +
        'The app tests need a real PostgreSQL 15: start it, or point TEST_DATABASE_URL at one.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis/Valkey is not reachable at ${TEST_REDIS_URL} (${(error as Error).message}). ` +
        'The app tests need a real Redis 7 or Valkey: start it, or point TEST_REDIS_URL at one.',
    );
  } finally {
    redis.disconnect();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A database of its own on the server of `adminUrl`, named `<stem>_<random>`, and how to drop it. */
export async function createDatabase(adminUrl = ADMIN_DATABASE_URL, stem = 'urlshort_test'): Promise<TestDatabase> {
  const name = uniqueName(stem);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(adminUrl, name),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // A pool's end() resolves before its connections have closed. Terminated by FORCE while
        // closing, one fails on a pool that no longer listens for errors: an uncaught exception in
        // the test's worker. Their backends are waited for first; FORCE ends only what lingers.
        const deadline = Date.now() + 2000;
        while (Date.now() < deadline) {
          const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Deletes every key under `prefix` (never anything else). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
