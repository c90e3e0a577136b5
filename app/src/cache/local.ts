import type { Redis } from 'ioredis';

// Server-assisted client-side caching (Redis CLIENT TRACKING, RESP2 redirect mode): redirect
// targets (and authenticated API keys) are kept in this process, and Valkey tells every replica when a key under the
// tracked prefix changes, through a connection subscribed to `__redis__:invalidate`.
//
// Rules that keep it from ever serving a target older than an acknowledged update:
//  - Tracking is BCAST on the short-code prefix, enabled on the data connection with
//    REDIRECT to the subscriber and NOLOOP (this process drops its own writes itself). Any
//    write to a code key by any replica (the tombstone of an update, an expiry) invalidates.
//  - While the subscriber or the data connection is down the local cache is flushed and not
//    used. While the subscriber has not answered a ping sent within the last `leaseMs` it is
//    not used: a frozen Valkey cannot deliver invalidations, so after one lease nothing local
//    is trusted. A writer whose invalidation fails waits one lease before answering (see
//    Cache.invalidate).
//  - A lease that ran out while both connections stayed up keeps the entries: Valkey sends
//    invalidations and the answer to a ping on the same connection, in order, so once a ping
//    sent after the lapse is answered every invalidation sent before it has been applied. A
//    busy process (its event loop late to send or read the pings) thus loses its lease for a
//    moment, not its whole cache: refilling it sent every hot code to Valkey at once, and,
//    with Valkey late too, to PostgreSQL.
//  - A value read while an invalidation for its key arrived is not stored (`pending`).

export interface LocalCacheOptions {
  /** Full key prefixes (with the cache prefix) of the tracked keys. */
  trackedPrefixes: string[];
  maxEntries: number;
  leaseMs: number;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  onState?: (enabled: boolean) => void;
}

interface Pending {
  count: number;
  dirty: boolean;
}

export interface FillToken {
  key: string;
  epoch: number;
}

export class TrackedLocalCache {
  private readonly entries = new Map<string, unknown>();
  private readonly pending = new Map<string, Pending>();
  /** Bumped on every flush: fills that began before it are not stored. */
  private epoch = 0;
  private tracking = false;
  /** Send time of the newest ping the subscriber answered. */
  private leaseFrom = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private loggedDown = false;
  /** CLIENT ID of the subscriber connection while it is subscribed. */
  private subscriberId: number | undefined;
  private establishing: Promise<void> | undefined;
  /** The lease ping a lapse is waiting for. */
  private renewing: Promise<boolean> | undefined;
  private lapsed = false;
  readonly counters = { invalidations: 0, flushes: 0, lapses: 0 };

  constructor(
    private readonly data: Redis,
    private readonly subscriber: Redis,
    private readonly options: LocalCacheOptions,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer, payload: unknown) => {
      if (channel.toString() !== '__redis__:invalidate') return;
      this.counters.invalidations++;
      if (!Array.isArray(payload)) return this.flush(); // FLUSHALL / FLUSHDB
      for (const key of payload as Buffer[]) this.invalidate(key.toString());
    });
    for (const connection of [subscriber, data]) {
      connection.on('ready', () => void this.establish());
      connection.on('close', () => {
        if (connection === subscriber) this.subscriberId = undefined;
        this.disable('connection closed');
      });
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** True while invalidations are known to arrive. */
  get usable(): boolean {
    return this.tracking && Date.now() - this.leaseFrom < this.options.leaseMs;
  }

  connect(): Promise<void> {
    return this.subscriber.connect().catch(() => undefined);
  }

  start(): void {
    const every = Math.max(10, Math.floor(this.options.leaseMs / 3));
    this.heartbeat = setInterval(() => {
      if (this.subscriber.status !== 'ready') return;
      // a failed attempt (a command timed out) is retried here, not only on reconnect
      if (!this.tracking && this.data.status === 'ready') void this.establish();
      void this.ping();
      if (this.tracking && !this.usable && !this.lapsed) {
        this.lapsed = true;
        this.counters.lapses++;
      }
    }, every);
    this.heartbeat.unref();
    if (this.subscriber.status === 'ready' && this.data.status === 'ready') void this.establish();
  }

  get(key: string): unknown {
    if (!this.usable) return undefined;
    return this.entries.get(key);
  }

  /** True while tracking holds but the lease has run out: see getAfterRenewal. */
  get lapsedLease(): boolean {
    return this.tracking && !this.usable;
  }

  /**
   * The entry for `key` once a lease ping sent now (or already in flight) is answered, when
   * only the lease has run out: the requests of a lapse wait for one round trip together
   * instead of each reading Valkey. Undefined when there is none, or the ping failed.
   */
  async getAfterRenewal(key: string): Promise<unknown> {
    if (!this.tracking || !this.entries.has(key)) return undefined;
    this.renewing ??= this.ping().finally(() => {
      this.renewing = undefined;
    });
    return (await this.renewing) ? this.get(key) : undefined;
  }

  /** Call before reading `key` from Valkey or PostgreSQL; null when the local cache is off. */
  beginFill(key: string): FillToken | null {
    if (!this.usable) return null;
    const entry = this.pending.get(key);
    if (entry) entry.count++;
    else this.pending.set(key, { count: 1, dirty: false });
    return { key, epoch: this.epoch };
  }

  /** Stores what was read, unless the key was invalidated (or the cache flushed) meanwhile. */
  endFill(token: FillToken | null, value: unknown): void {
    if (!token) return;
    const entry = this.pending.get(token.key);
    if (!entry) return;
    entry.count--;
    if (entry.count === 0) this.pending.delete(token.key);
    if (value === undefined || entry.dirty || token.epoch !== this.epoch || !this.usable) return;
    if (this.entries.size >= this.options.maxEntries) {
      // Map keeps insertion order: drop the oldest entry
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token.key, value);
  }

  invalidate(key: string): void {
    this.entries.delete(key);
    const entry = this.pending.get(key);
    if (entry) entry.dirty = true;
  }

  /** A lease ping; true when it was answered and the lease holds. */
  private async ping(): Promise<boolean> {
    const sent = Date.now();
    try {
      await this.subscriber.ping();
    } catch {
      return false;
    }
    if (sent > this.leaseFrom) this.leaseFrom = sent;
    if (this.usable) this.lapsed = false;
    return this.usable;
  }

  flush(): void {
    this.counters.flushes++;
    this.entries.clear();
    for (const entry of this.pending.values()) entry.dirty = true;
    this.epoch++;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.disable('closing');
    this.subscriber.disconnect();
  }

  private disable(reason: string): void {
    const was = this.tracking;
    this.tracking = false;
    this.flush();
    if (was && !this.closed) {
      this.options.log.warn({ reason }, 'local cache disabled: invalidations from Valkey stopped');
      this.loggedDown = true;
      this.options.onState?.(false);
    }
  }

  /** Subscribes, then turns tracking on for the data connection, redirected to the subscriber. */
  private establish(): Promise<void> {
    this.establishing ??= this.tryEstablish().finally(() => {
      this.establishing = undefined;
    });
    return this.establishing;
  }

  private async tryEstablish(): Promise<void> {
    if (this.closed || this.subscriber.status !== 'ready' || this.data.status !== 'ready') return;
    try {
      if (this.subscriberId === undefined) {
        const id = (await this.subscriber.client('ID')) as number;
        await this.subscriber.subscribe('__redis__:invalidate');
        this.subscriberId = id;
      }
      // off first: an earlier attempt whose reply timed out may have turned it on, and Valkey
      // refuses to register the same prefix twice
      await this.data.call('CLIENT', 'TRACKING', 'off');
      await this.data.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(this.subscriberId), 'BCAST', ...this.options.trackedPrefixes.flatMap((prefix) => ['PREFIX', prefix]), 'NOLOOP');
      this.flush();
      this.leaseFrom = Date.now();
      this.tracking = true;
      if (this.loggedDown) this.options.log.info({}, 'local cache enabled again: invalidations from Valkey restored');
      this.loggedDown = false;
      this.options.onState?.(true);
    } catch (error) {
      if (!this.loggedDown) this.options.log.warn({ reason: (error as Error).message }, 'could not enable client-side caching yet; retrying');
      this.loggedDown = true;
      // a subscribe that timed out may still have happened: start the subscriber afresh
      if (this.subscriberId === undefined) this.subscriber.disconnect(true);
    }
  }
}
