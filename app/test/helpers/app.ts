import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import app from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { serverOptions } from '../../src/server-options.js';
import { createDatabase, deleteKeys, TEST_REDIS_URL, uniqueName, type TestDatabase } from './services.js';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  /** A separate pool for looking at the database behind the app's back. */
  db: pg.Pool;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use this server instead of creating a database on the shared one. */
  databaseUrl?: string;
  /** `null` runs the app without a cache. */
  redisUrl?: string | null;
  env?: Record<string, string>;
  /** `open` (the default) is seed 002's contract, which the older tests assert; `protected` needs API keys. */
  mode?: 'open' | 'protected';
}

/** Seed 002's open contract, without the abuse limits that a test sending hundreds of requests would trip. */
export const SEED_CONTRACT_ENV: Record<string, string> = {
  OPEN_API: 'true',
  RATE_LIMIT_PER_ADDRESS: '0',
  RATE_LIMIT_CREATES: '0',
  RATE_LIMIT_REDIRECT_MISSES: '0',
};

/** Builds the app as the server does, on a fresh database and key prefix, without listening. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl
    ? { name: '', url: options.databaseUrl, drop: async () => undefined }
    : await createDatabase();
  const redisUrl = options.redisUrl === undefined ? TEST_REDIS_URL : options.redisUrl;
  const config = loadConfig({
    DATABASE_URL: database.url,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    CACHE_PREFIX: `${uniqueName('urlshort_test')}:`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    STARTUP_DB_WAIT_MS: '0',
    ...(options.mode === 'protected' ? {} : SEED_CONTRACT_ENV),
    ...options.env,
  });
  const instance = Fastify(serverOptions(config));
  await instance.register(app, { config });
  await instance.ready();
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  db.on('error', () => undefined);
  return {
    app: instance,
    config,
    db,
    database,
    async close() {
      await instance.close();
      await db.end();
      await database.drop();
      if (redisUrl) await deleteKeys(redisUrl, config.cachePrefix).catch(() => undefined);
    },
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
