// The service's settings, read once from the environment and checked together, so a
// misconfigured pod fails at start with every problem listed instead of the first one.

export interface Config {
  /** TCP port. @default 5000 */
  port: number;
  /** Listen address. @default '0.0.0.0' */
  host: string;
  /** PostgreSQL connection string (required). */
  databaseUrl: string;
  /** Valkey/Redis URL; unset (and no Sentinels) means the service runs uncached. @default - no cache */
  redisUrl: string | undefined;
  /**
   * Valkey behind Sentinel (seed 002): the Sentinels to ask for the current primary, and the
   * password of both (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_PASSWORD).
   * @default - no Sentinel
   */
  redisSentinel: RedisSentinel | undefined;
  /** Prefix for every cache key, so several services or test runs can share one Valkey. @default 'urlshort:' */
  cachePrefix: string;
  /** Cache entry lifetime. @default 30 */
  cacheTtlSeconds: number;
  /** A cache command slower than this counts as failed and the request falls back to PostgreSQL. @default 250 */
  cacheTimeoutMs: number;
  /** pino level. @default 'info' */
  logLevel: string;
  /**
   * PostgreSQL pool size. Under load requests wait for a pool slot, not for PostgreSQL: at 500
   * connections of mixed traffic, 10 slots put the p95 at 250 ms and 40 under 100 ms (docs/benchmarks.md).
   * 3 replicas x 40 stay within PgBouncer's 200 client connections.
   * @default 40
   */
  pgPoolMax: number;
  /** How long to wait for a PostgreSQL connection before failing the request with 503. @default 1000 */
  pgConnectTimeoutMs: number;
  /** Server-side statement timeout. @default 5000 */
  pgStatementTimeoutMs: number;
  /** How long start-up keeps retrying the migrations while PostgreSQL is unreachable. @default 30000 */
  startupDbWaitMs: number;
  /** Redirect events are written in batches at least this often (at most 1000). @default 500 */
  eventFlushIntervalMs: number;
  /** Rows per batch INSERT of redirect events. @default 5000 */
  eventBatchMax: number;
  /** Redirect events kept in memory while PostgreSQL is unreachable; past that the oldest are dropped and counted. @default 200000 */
  eventBufferMax: number;
  /** After SIGTERM, /ready answers 503 for this long before the listener closes, so load balancers stop sending traffic. @default 0 */
  shutdownDelayMs: number;
  /** Hard limit for the whole shutdown; keep it below the pod's terminationGracePeriodSeconds. @default 25000 */
  shutdownGraceMs: number;
}

/** Where Sentinel mode finds the primary. */
export interface RedisSentinel {
  sentinels: { host: string; port: number }[];
  /** @default 'mymaster' */
  masterName: string;
  password: string | undefined;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^[0-9]+$/.test(raw.trim())) {
      problems.push(`${name} must be an integer, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    const value = Number(raw.trim());
    if (value < min || value > max) problems.push(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
  const url = (name: string, protocols: string[], required: boolean): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if (required) problems.push(`${name} is required`);
      return undefined;
    }
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
      }
    } catch {
      // Never echo the value: it may hold a password.
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const sentinels = (env.REDIS_SENTINELS ?? '').split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    if (!match) problems.push(`REDIS_SENTINELS entries must be host:port, got ${JSON.stringify(entry)}`);
    return { host: match?.[1] ?? '', port: Number(match?.[2] ?? 0) };
  });
  if (sentinels.length && env.REDIS_URL) problems.push('set either REDIS_URL or REDIS_SENTINELS, not both');

  const logLevel = env.LOG_LEVEL || 'info';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${levels.join(', ')}, got ${JSON.stringify(logLevel)}`);

  const config: Config = {
    port: int('PORT', 5000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:'], true) ?? '',
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:', 'valkey:', 'valkeys:'], false),
    redisSentinel: sentinels.length
      ? { sentinels, masterName: env.REDIS_SENTINEL_MASTER || 'mymaster', password: env.REDIS_PASSWORD || undefined }
      : undefined,
    cachePrefix: env.CACHE_PREFIX ?? 'urlshort:',
    cacheTtlSeconds: int('CACHE_TTL_SECONDS', 30, 1, 86_400),
    cacheTimeoutMs: int('CACHE_TIMEOUT_MS', 250, 10, 10_000),
    logLevel,
    pgPoolMax: int('PG_POOL_MAX', 40, 1, 500),
    pgConnectTimeoutMs: int('PG_CONNECT_TIMEOUT_MS', 1000, 100, 60_000),
    pgStatementTimeoutMs: int('PG_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    startupDbWaitMs: int('STARTUP_DB_WAIT_MS', 30_000, 0, 600_000),
    eventFlushIntervalMs: int('EVENT_FLUSH_INTERVAL_MS', 500, 10, 1000),
    eventBatchMax: int('EVENT_BATCH_MAX', 5000, 1, 50_000),
    eventBufferMax: int('EVENT_BUFFER_MAX', 200_000, 1, 10_000_000),
    shutdownDelayMs: int('SHUTDOWN_DELAY_MS', 0, 0, 600_000),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 25_000, 1000, 600_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
