import { isIP } from 'node:net';
import type { ResolverSetting } from './destination/resolve.js';

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
  /** Cache entry lifetime, in seconds: each entry lives between 80% and 100% of it, so entries filled together expire apart. @default 30 */
  cacheTtlSeconds: number;
  /** A cache command slower than this counts as failed and the request falls back to PostgreSQL: a frozen Valkey costs at most this. @default 25 */
  cacheTimeoutMs: number;
  /** pino level. @default 'info' */
  logLevel: string;
  /**
   * A log line for every redirect answered (LOG_REDIRECTS). `false` drops those lines only: each
   * redirect is still a row in the events table and a count in /metrics, and redirects that fail
   * (404, 429, 5xx) are still logged. For busy instances: at thousands of redirects a second
   * the lines cost about a tenth of the hot path's CPU and flood the log store.
   * @default true
   */
  logRedirects: boolean;
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
  /** Rows per batch (one COPY) of redirect events. @default 5000 */
  eventBatchMax: number;
  /** Redirect events kept in memory while PostgreSQL is unreachable; past that the oldest are dropped and counted. @default 200000 */
  eventBufferMax: number;
  /** After SIGTERM, /ready answers 503 for this long before the listener closes, so load balancers stop sending traffic. @default 0 */
  shutdownDelayMs: number;
  /** Hard limit for the whole shutdown; keep it below the pod's terminationGracePeriodSeconds. @default 25000 */
  shutdownGraceMs: number;
  /**
   * Seed 002's open contract: no credentials, anyone may change any link and read every user (OPEN_API=true).
   * Off by default: writes then need `Authorization: Bearer <api key>` and only owners change their links.
   * @default false
   */
  openApi: boolean;
  /** Destination hosts refused (a domain also refuses its subdomains), DESTINATION_DENY_DOMAINS. @default [] */
  destinationDenyDomains: string[];
  /** When not empty, the only destination domains accepted (and their subdomains), DESTINATION_ALLOW_DOMAINS. @default [] - any public host */
  destinationAllowDomains: string[];
  /**
   * Destinations whose Unicode name may pass for another (mixed scripts, or Cyrillic letters that
   * all look Latin), DESTINATION_HOMOGRAPHS: `refuse` (422), or `flag` (accepted, logged, counted
   * in /metrics and named in the answer's X-Destination-Flags header).
   * @default 'refuse'
   */
  destinationHomographs: 'refuse' | 'flag';
  /**
   * Resolve destination names and refuse those with a private, loopback or link-local address
   * (DESTINATION_RESOLVER): `system` (getaddrinfo: /etc/hosts and search domains, in a cluster
   * its DNS), or DNS servers as `ip[:port],...`.
   * @default - names are not resolved
   */
  destinationResolver: ResolverSetting | undefined;
  /** How long a destination's resolution may take before the write answers 503, DESTINATION_RESOLVE_TIMEOUT_MS. @default 1000 */
  destinationResolveTimeoutMs: number;
  /** Rate limits, shared by every replica through Valkey; 0 turns one off. */
  rateLimit: RateLimits;
  /** Highest row offset a `page` may reach; beyond it clients must page with `cursor`. @default 10000 */
  pageOffsetMax: number;
  /** Statement timeout of list queries, which run on their own small pool. @default 1000 */
  listStatementTimeoutMs: number;
  /** Connections of the list pool, so list queries can never take the redirects' connections. @default 16 */
  listPoolMax: number;
  /**
   * Proxies in front of the service whose X-Forwarded-For is believed, so rate limits see the
   * client's address rather than the ingress's (TRUST_PROXY_HOPS). 0 uses the socket's address.
   * @default 0
   */
  trustProxyHops: number;
  /** Time a client has to send its request headers (slow-header guard). @default 5000 */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, body included (slow-body guard). @default 10000 */
  requestTimeoutMs: number;
  /** Redirect targets kept in process, invalidated by Valkey (client-side caching); 0 turns it off. @default 100000 */
  localCacheMax: number;
  /** The local cache is used only while the invalidation connection answered a ping within this time. @default 300 */
  localCacheLeaseMs: number;
}

export interface RateLimits {
  /** Requests to the API per client address. @default 600 */
  perAddress: number;
  /** Requests to the API per API key. @default 1200 */
  perKey: number;
  /** Creates (POST) per API key, and per address in open mode. @default 60 */
  creates: number;
  /** Lookups of unknown short codes per client address (a code that exists never counts). @default 600 */
  redirectMisses: number;
  /** Window of every limit. @default 60000 */
  windowMs: number;
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

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = (env[name] ?? '').trim().toLowerCase();
    if (raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
    return fallback;
  };
  const domains = (name: string): string[] =>
    (env[name] ?? '').split(',').map((entry) => entry.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '')).filter((entry) => {
      if (entry === '') return false;
      if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(entry)) {
        problems.push(`${name} entries must be domain names, got ${JSON.stringify(entry)}`);
        return false;
      }
      return true;
    });

  const sentinels = (env.REDIS_SENTINELS ?? '').split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    if (!match) problems.push(`REDIS_SENTINELS entries must be host:port, got ${JSON.stringify(entry)}`);
    return { host: match?.[1] ?? '', port: Number(match?.[2] ?? 0) };
  });
  if (sentinels.length && env.REDIS_URL) problems.push('set either REDIS_URL or REDIS_SENTINELS, not both');

  const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T): T => {
    const raw = (env[name] ?? '').trim().toLowerCase();
    if (raw === '') return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(env[name])}`);
    return fallback;
  };
  const resolver = (name: string): ResolverSetting | undefined => {
    const raw = (env[name] ?? '').trim();
    if (raw === '') return undefined;
    if (raw === 'system') return { kind: 'system' };
    const servers = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
    const bad = servers.filter((entry) => {
      const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(entry);
      return !match || isIP(match[1] ?? match[2]!) === 0 || Number(match[3] ?? 53) > 65535;
    });
    if (bad.length > 0 || servers.length === 0) {
      problems.push(`${name} must be system or DNS servers as ip[:port],..., got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return { kind: 'servers', servers };
  };

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
    cacheTimeoutMs: int('CACHE_TIMEOUT_MS', 25, 2, 10_000),
    logLevel,
    logRedirects: bool('LOG_REDIRECTS', true),
    pgPoolMax: int('PG_POOL_MAX', 40, 1, 500),
    pgConnectTimeoutMs: int('PG_CONNECT_TIMEOUT_MS', 1000, 100, 60_000),
    pgStatementTimeoutMs: int('PG_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    startupDbWaitMs: int('STARTUP_DB_WAIT_MS', 30_000, 0, 600_000),
    eventFlushIntervalMs: int('EVENT_FLUSH_INTERVAL_MS', 500, 10, 1000),
    eventBatchMax: int('EVENT_BATCH_MAX', 5000, 1, 50_000),
    eventBufferMax: int('EVENT_BUFFER_MAX', 200_000, 1, 10_000_000),
    shutdownDelayMs: int('SHUTDOWN_DELAY_MS', 0, 0, 600_000),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 25_000, 1000, 600_000),
    openApi: bool('OPEN_API', false),
    destinationDenyDomains: domains('DESTINATION_DENY_DOMAINS'),
    destinationAllowDomains: domains('DESTINATION_ALLOW_DOMAINS'),
    destinationHomographs: oneOf('DESTINATION_HOMOGRAPHS', ['refuse', 'flag'] as const, 'refuse'),
    destinationResolver: resolver('DESTINATION_RESOLVER'),
    destinationResolveTimeoutMs: int('DESTINATION_RESOLVE_TIMEOUT_MS', 1000, 50, 30_000),
    rateLimit: {
      perAddress: int('RATE_LIMIT_PER_ADDRESS', 600, 0, 10_000_000),
      perKey: int('RATE_LIMIT_PER_KEY', 1200, 0, 10_000_000),
      creates: int('RATE_LIMIT_CREATES', 60, 0, 10_000_000),
      redirectMisses: int('RATE_LIMIT_REDIRECT_MISSES', 600, 0, 10_000_000),
      windowMs: int('RATE_LIMIT_WINDOW_MS', 60_000, 1000, 86_400_000),
    },
    pageOffsetMax: int('PAGE_OFFSET_MAX', 10_000, 0, 10_000_000),
    listStatementTimeoutMs: int('LIST_STATEMENT_TIMEOUT_MS', 1000, 50, 60_000),
    listPoolMax: int('LIST_POOL_MAX', 16, 1, 100),
    trustProxyHops: int('TRUST_PROXY_HOPS', 0, 0, 10),
    headersTimeoutMs: int('HEADERS_TIMEOUT_MS', 5000, 500, 120_000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 10_000, 1000, 600_000),
    localCacheMax: int('LOCAL_CACHE_MAX', 100_000, 0, 10_000_000),
    localCacheLeaseMs: int('LOCAL_CACHE_LEASE_MS', 300, 50, 10_000),
  };
  if (config.requestTimeoutMs < config.headersTimeoutMs) {
    problems.push(`REQUEST_TIMEOUT_MS (${config.requestTimeoutMs}) must not be below HEADERS_TIMEOUT_MS (${config.headersTimeoutMs})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
