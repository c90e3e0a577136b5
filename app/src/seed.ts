import { createReadStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { connectValkey, type ValkeyTarget } from './cache/connection.js';
import { cacheLists } from './cache/keys.js';
import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { CsvImportError, readCsv } from './import/csv.js';
import { importEvents, importUrls, importUsers, inTransaction, type ImportResult } from './import/importers.js';
import { EVENT_COLUMNS, URL_COLUMNS, USER_COLUMNS, toEventRow, toUrlRow, toUserRow } from './import/rows.js';

// `npm run app:seed -- <dir>`: loads users.csv, urls.csv and events.csv (the hackathon's
// seed files) into DATABASE_URL. Idempotent by id; each file is applied whole or not at all.

export interface SeedSummary {
  users?: ImportResult;
  urls?: ImportResult;
  events?: ImportResult;
}

export async function seed(dir: string, pool: pg.Pool): Promise<SeedSummary> {
  await migrate(pool);
  const summary: SeedSummary = {};
  const files = [
    ['users', 'users.csv', USER_COLUMNS, toUserRow, importUsers],
    ['urls', 'urls.csv', URL_COLUMNS, toUrlRow, importUrls],
    ['events', 'events.csv', EVENT_COLUMNS, toEventRow, importEvents],
  ] as const;
  for (const [name, file, columns, toRow, importRows] of files) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    let rows;
    try {
      rows = await readCsv(createReadStream(path), columns, toRow as (record: Record<string, string>) => never);
    } catch (error) {
      if (error instanceof CsvImportError) throw new Error(`${file}: ${error.message}`);
      throw error;
    }
    const client = await pool.connect();
    try {
      summary[name] = await inTransaction(client, () => (importRows as (c: pg.PoolClient, r: unknown[]) => Promise<ImportResult>)(client, rows));
    } finally {
      client.release();
    }
  }
  return summary;
}

/** Orphans cached list pages, so lists show the seeded rows at once (entity keys are never cached as absent). */
async function invalidateLists(target: ValkeyTarget, prefix: string): Promise<void> {
  const redis = connectValkey(target, { keyPrefix: prefix, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000, lazyConnect: true });
  try {
    await redis.connect();
    await Promise.all(Object.values(cacheLists).map((list) => redis.incr(`${list}:gen`)));
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const given = process.argv[2];
  if (!given) {
    process.stderr.write('usage: npm run app:seed -- <dir with users.csv, urls.csv, events.csv>\n');
    process.exit(2);
  }
  // npm runs scripts from the repository root; a relative path means where the user typed it
  const dir = resolve(process.env.INIT_CWD ?? process.cwd(), given);
  if (!['users.csv', 'urls.csv', 'events.csv'].some((file) => existsSync(join(dir, file)))) {
    process.stderr.write(`no users.csv, urls.csv or events.csv in ${dir}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    const summary = await seed(dir, pool);
    for (const [name, result] of Object.entries(summary)) {
      process.stdout.write(`${name}: imported ${result.imported}, already present ${result.existing}, skipped ${result.skipped}\n`);
    }
    const target = config.redisUrl ? { url: config.redisUrl } : config.redisSentinel ? { sentinel: config.redisSentinel } : undefined;
    if (target) {
      await invalidateLists(target, config.cachePrefix).catch((error: Error) =>
        process.stderr.write(`warning: cached lists not invalidated (${error.message}); they expire within ${config.cacheTtlSeconds} s\n`),
      );
    }
  } finally {
    await pool.end();
  }
}

// Run as a script, not when imported (the load benchmark reuses `seed`).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
