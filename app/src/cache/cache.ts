import type { Redis } from 'ioredis';
import { connectValkey, type ValkeyOptions, type ValkeyTarget } from './connection.js';
import { TrackedLocalCache } from './local.js';

// Cache-aside over Valkey with three guarantees:
//  1. A failing or slow Valkey never fails a request: reads fall back to PostgreSQL.
//  2. A reader that loaded old data before a write cannot store it after the write's
//     invalidation: entity keys get a short-lived tombstone that `SET NX` will not
//     overwrite, and list entries live under a generation number that a write bumps.
//  3. A write whose invalidation did not reach Valkey makes this process bypass the
//     cache for one TTL (by then every entry written before the write has expired),
//     and the invalidation is retried until it lands, for the other replicas' sake.

const TOMBSTONE = '!';
// Entries live between 80% and 100% of the TTL: entries filled together (every hot code after a
// start or a Valkey restart) would otherwise expire together, and every replica would look them
// all up in Valkey and PostgreSQL in the same moment, every TTL. Never longer than the TTL, which
// the bypass after a failed invalidation relies on.
const TTL_SPREAD = 0.2;
// Beyond this many keys awaiting repair, only the bypass protects (other replicas fall back on the TTL).
const MAX_PENDING = 10_000;

const LIST_GET = `
local gen = redis.call('GET', KEYS[1]) or '0'
return {gen, redis.call('GET', KEYS[1] .. ':' .. gen .. ':' .. ARGV[1])}`;

const LIST_SET = `
if (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1] .. ':' .. ARGV[1] .. ':' .. ARGV[2], ARGV[3], 'PX', ARGV[4])
  return 1
end
return 0`;

interface ScriptedRedis extends Redis {
  listGet(genKey: string, query: string): Promise<[string, string | null]>;
  listSet(genKey: string, gen: string, query: string, value: string, ttlMs: number): Promise<number>;
}

export interface CacheEvents {
  hit(resource: string): void;
  miss(resource: string): void;
  error(operation: string): void;
  /** The cache turned degraded (failing or too slow: requests go to PostgreSQL) or healthy again. */
  degraded?(state: boolean): void;
}

export interface CacheOptions {
  /** A single server, or a primary found through Sentinel. */
  target: ValkeyTarget;
  prefix: string;
  ttlSeconds: number;
  timeoutMs: number;
  events: CacheEvents;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Client-side caching of redirect targets (see local.ts); absent: off. */
  local?: { maxEntries: number; leaseMs: number; trackedKeyPrefixes: string[]; onState?: (enabled: boolean) => void };
}

export interface ListLookup {
  value: string | null;
  gen: string | null;
}

/** What one write invalidates: entity keys and list namespaces. */
export interface Invalidation {
  keys?: string[];
  lists?: string[];
}

/** The cache as the routes see it; `NoCache` stands in when no REDIS_URL is set. */
export interface ResponseCache {
  readonly bypassed: boolean;
  readonly degraded: boolean;
  readonly status: string;
  /** The in-process cache of redirect targets, invalidated by Valkey; undefined when off. */
  readonly local: TrackedLocalCache | undefined;
  /** A key as Valkey (and the local cache) names it, prefix included. */
  fullKey(key: string): string;
  get(resource: string, key: string): Promise<string | null>;
  set(key: string, value: string): void;
  getList(resource: string, namespace: string, query: string): Promise<ListLookup>;
  setList(namespace: string, gen: string | null, query: string, value: string): void;
  invalidate(invalidation: Invalidation): Promise<void>;
  close(): Promise<void>;
}

export class NoCache implements ResponseCache {
  readonly bypassed = true;
  readonly degraded = false;
  readonly status = 'disabled';
  readonly local = undefined;
  fullKey(key: string): string {
    return key;
  }
  constructor(private readonly events: CacheEvents) {}
  async get(resource: string): Promise<null> {
    this.events.miss(resource);
    return null;
  }
  set(): void {}
  async getList(resource: string): Promise<ListLookup> {
    this.events.miss(resource);
    return { value: null, gen: null };
  }
  setList(): void {}
  async invalidate(): Promise<void> {}
  async close(): Promise<void> {}
}

export class Cache implements ResponseCache {
  readonly ttlMs: number;
  private readonly tombstoneMs: number;
  private readonly redis: ScriptedRedis;
  private readonly events: CacheEvents;
  private readonly log: CacheOptions['log'];
  /** Reads skip Valkey until then, after a command failed (a cheap circuit breaker). */
  private unhealthyUntil = 0;
  /** Reads and fills skip Valkey until then, after an invalidation failed. */
  private bypassUntil = 0;
  private readonly pendingKeys = new Set<string>();
  private readonly pendingLists = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set while Valkey fails or is too slow; logged once when it starts and once when it ends. */
  private isDegraded = false;
  private probe: NodeJS.Timeout | undefined;
  private readonly prefix: string;
  private readonly localLeaseMs: number;
  readonly local: TrackedLocalCache | undefined;

  constructor(options: CacheOptions) {
    this.prefix = options.prefix;
    this.localLeaseMs = options.local?.leaseMs ?? 0;
    this.ttlMs = options.ttlSeconds * 1000;
    // Longer than any PostgreSQL read can take (statement timeout), so a slow reader
    // cannot store what it read before the write once the tombstone is gone.
    this.tombstoneMs = 10_000;
    this.events = options.events;
    this.log = options.log;
    const common = {
      keyPrefix: options.prefix,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1000),
      // Fail fast while disconnected instead of queueing behind a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
      enableAutoPipelining: true,
      lazyConnect: true,
    };
    const connect = (settings: ValkeyOptions) => connectValkey(options.target, settings);
    this.redis = connect(common) as ScriptedRedis;
    if (options.local && options.local.maxEntries > 0) {
      // the subscriber only receives invalidations and answers the lease pings
      const subscriber = connect({ ...common, keyPrefix: undefined, enableAutoPipelining: false, autoResubscribe: false });
      subscriber.on('error', () => undefined); // the data connection reports outages
      this.local = new TrackedLocalCache(this.redis, subscriber, {
        trackedPrefixes: options.local.trackedKeyPrefixes.map((key) => options.prefix + key),
        maxEntries: options.local.maxEntries,
        leaseMs: options.local.leaseMs,
        log: options.log,
        onState: options.local.onState,
      });
    }
    this.redis.defineCommand('listGet', { numberOfKeys: 1, lua: LIST_GET });
    this.redis.defineCommand('listSet', { numberOfKeys: 1, lua: LIST_SET });
    this.redis.on('error', (error: Error) => {
      this.events.error('connection');
      // once per outage: ioredis reports every reconnection attempt
      this.degrade(`connection: ${error.message}`);
    });
    this.redis.on('ready', () => {
      this.recover();
      void this.flushPending();
    });
  }

  /** Connects, waiting at most `timeoutMs`: a cache that is down must not delay start-up. */
  async connect(timeoutMs: number): Promise<void> {
    const connecting = Promise.all([
      this.redis.connect().catch(() => undefined),
      this.local?.connect(),
    ]);
    await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    this.local?.start();
  }

  fullKey(key: string): string {
    return this.prefix + key;
  }

  get degraded(): boolean {
    return this.isDegraded;
  }

  get status(): string {
    return this.redis.status;
  }

  /** True while reads go straight to PostgreSQL. */
  get bypassed(): boolean {
    const now = Date.now();
    return this.closed || now < this.bypassUntil || now < this.unhealthyUntil || this.redis.status !== 'ready';
  }

  async get(resource: string, key: string): Promise<string | null> {
    if (this.bypassed) return this.miss(resource);
    try {
      const value = await this.redis.get(key);
      if (this.isDegraded) this.recover();
      if (value === null || value === TOMBSTONE) return this.miss(resource);
      this.events.hit(resource);
      return value;
    } catch {
      this.failed('get');
      return this.miss(resource);
    }
  }

  /** Stores a value read from PostgreSQL unless a write's tombstone (or a fresher value) is there. */
  set(key: string, value: string): void {
    if (this.bypassed) return;
    this.redis.set(key, value, 'PX', this.entryTtlMs(), 'NX').catch(() => this.failed('set'));
  }

  async getList(resource: string, namespace: string, query: string): Promise<ListLookup> {
    if (this.bypassed) return { value: this.miss(resource), gen: null };
    try {
      const [gen, value] = await this.redis.listGet(`${namespace}:gen`, query);
      if (this.isDegraded) this.recover();
      if (value === null) return { value: this.miss(resource), gen };
      this.events.hit(resource);
      return { value, gen };
    } catch {
      this.failed('get');
      return { value: this.miss(resource), gen: null };
    }
  }

  /** Stores a list page only if no write bumped the namespace's generation since `gen` was read. */
  setList(namespace: string, gen: string | null, query: string, value: string): void {
    if (gen === null || this.bypassed) return;
    this.redis.listSet(`${namespace}:gen`, gen, query, value, this.entryTtlMs()).catch(() => this.failed('set'));
  }

  /** A new entry's lifetime: the TTL less up to TTL_SPREAD of it, at random. */
  private entryTtlMs(): number {
    return this.ttlMs - Math.floor(Math.random() * this.ttlMs * TTL_SPREAD);
  }

  /**
   * Called after a write committed and before it is answered. Never throws: when Valkey
   * cannot be reached the cache is bypassed instead, and the invalidation retried.
   */
  async invalidate({ keys = [], lists = [] }: Invalidation): Promise<void> {
    if (this.closed) return;
    // NOLOOP: Valkey does not tell this process about its own writes
    for (const key of keys) this.local?.invalidate(this.fullKey(key));
    try {
      await this.apply(keys, lists);
    } catch (error) {
      this.local?.flush();
      this.failed('invalidate');
      this.bypassUntil = Date.now() + this.ttlMs;
      for (const key of keys) if (this.pendingKeys.size < MAX_PENDING) this.pendingKeys.add(key);
      for (const list of lists) this.pendingLists.add(list);
      this.log.warn(
        { reason: (error as Error).message, keys, lists },
        'cache invalidation failed; reading from PostgreSQL until it is repaired',
      );
      this.scheduleRetry();
      // Replicas that cannot reach Valkey either stop trusting their local cache within one
      // lease; answering after it means none of them still serves the old target.
      if (this.local) await new Promise((resolve) => setTimeout(resolve, this.localLeaseMs + 20));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.probe);
    await this.local?.close();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private async apply(keys: string[], lists: string[]): Promise<void> {
    if (keys.length === 0 && lists.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.set(key, TOMBSTONE, 'PX', this.tombstoneMs);
    for (const list of lists) pipeline.incr(`${list}:gen`);
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error);
    if (failure) throw failure[0];
  }

  private async flushPending(): Promise<void> {
    if (this.pendingKeys.size === 0 && this.pendingLists.size === 0) return;
    const keys = [...this.pendingKeys];
    const lists = [...this.pendingLists];
    try {
      await this.apply(keys, lists);
      for (const key of keys) this.pendingKeys.delete(key);
      for (const list of lists) this.pendingLists.delete(list);
      if (this.pendingKeys.size === 0 && this.pendingLists.size === 0) {
        // Every stale entry is now tombstoned or orphaned: the cache is safe to use again.
        this.bypassUntil = 0;
        this.log.info({ keys: keys.length, lists: lists.length }, 'cache invalidations repaired');
      }
    } catch {
      this.scheduleRetry();
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.redis.status === 'ready') void this.flushPending();
      else if (this.pendingKeys.size + this.pendingLists.size > 0) this.scheduleRetry();
    }, 500);
    this.retryTimer.unref();
  }

  private failed(operation: string): void {
    this.events.error(operation);
    this.unhealthyUntil = Date.now() + 1000;
    this.degrade(`${operation} failed or timed out`);
  }

  private degrade(reason: string): void {
    if (this.isDegraded || this.closed) return;
    this.isDegraded = true;
    this.events.degraded?.(true);
    this.log.warn({ reason }, 'cache degraded: serving from PostgreSQL until Valkey answers again');
    // a probe, so recovery is noticed even when no request tries Valkey (bypass, local cache)
    this.probe = setInterval(() => {
      if (this.redis.status === 'ready') this.redis.ping().then(() => this.recover(), () => undefined);
    }, 500);
    this.probe.unref();
  }

  private recover(): void {
    this.unhealthyUntil = 0;
    if (!this.isDegraded) return;
    clearInterval(this.probe);
    this.isDegraded = false;
    this.events.degraded?.(false);
    this.log.info({}, 'cache recovered');
  }

  private miss(resource: string): null {
    this.events.miss(resource);
    return null;
  }
}
