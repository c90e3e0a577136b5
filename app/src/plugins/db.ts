import fp from 'fastify-plugin';
import pg from 'pg';
import { Gauge } from 'prom-client';
import type { Config } from '../config.js';
import { isUnavailable } from '../db/errors.js';
import { ListReads } from '../db/list-reads.js';
import { migrate } from '../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool;
    /** The list queries: their own short statement timeout, and their own few connections, so a paging flood cannot take the redirects' connections. */
    pgList: ListReads;
  }
}

const INT8_OID = 20;
// bigint ids and counts stay well below 2^53; return them as numbers, not strings
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createPool(config: Config, purpose: 'main' | 'lists' = 'main'): pg.Pool {
  const statementTimeout = purpose === 'main' ? config.pgStatementTimeoutMs : config.listStatementTimeoutMs;
  return new pg.Pool({
    connectionString: config.databaseUrl,
    max: purpose === 'main' ? config.pgPoolMax : config.listPoolMax,
    connectionTimeoutMillis: config.pgConnectTimeoutMs,
    // Not as the `statement_timeout` startup parameter, which PgBouncer refuses (the chart's
    // Pooler): `options` is applied by PostgreSQL and ignored by CloudNativePG's PgBouncer,
    // where the list queries still get theirs (ListReads).
    ...(purpose === 'main' ? { options: `-c statement_timeout=${statementTimeout}` } : {}),
    // client-side guard for a server that stops answering without closing the socket
    query_timeout: statementTimeout + 1000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: purpose === 'main' ? 'url-shortener' : 'url-shortener-lists',
    types,
  });
}

async function migrateWhenReachable(pool: pg.Pool, config: Config, log: { warn: (obj: object, msg: string) => void }) {
  const deadline = Date.now() + config.startupDbWaitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(pool);
    } catch (error) {
      if (!isUnavailable(error) || Date.now() >= deadline) throw error;
      log.warn({ attempt, reason: (error as Error).message }, 'PostgreSQL unreachable at start; retrying migrations');
      await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2000)));
    }
  }
}

/** Decorates `app.pg` with a pool, applies migrations before the app is ready, ends the pool on close. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const pool = createPool(config);
    const listPool = createPool(config, 'lists');
    // An idle client whose server went away emits here; the pool drops it and reconnects later.
    pool.on('error', (error) => app.log.warn({ reason: error.message }, 'idle PostgreSQL connection lost'));
    listPool.on('error', () => undefined);
    app.decorate('pg', pool);
    app.decorate('pgList', new ListReads(listPool, config.listStatementTimeoutMs));
    new Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting requests)',
      labelNames: ['state'],
      registers: [app.metrics.registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    app.addHook('onClose', async () => {
      await Promise.all([pool.end(), listPool.end()]);
    });
    const applied = await migrateWhenReachable(pool, config, app.log);
    if (applied.length > 0) app.log.info({ versions: applied }, 'applied schema migrations');
  },
  { name: 'db', dependencies: ['metrics'] },
);
