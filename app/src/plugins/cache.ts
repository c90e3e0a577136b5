import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { Cache, NoCache, type CacheEvents, type ResponseCache } from '../cache/cache.js';
import { cacheKeys } from '../cache/keys.js';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    cache: ResponseCache;
  }
}

/** Decorates `app.cache`: Valkey when REDIS_URL or REDIS_SENTINELS is set, otherwise a cache that always misses. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const registers = [app.metrics.registry];
    const hits = new Counter({ name: 'cache_hits_total', help: 'Cache hits by resource', labelNames: ['resource'], registers });
    const misses = new Counter({ name: 'cache_misses_total', help: 'Cache misses by resource', labelNames: ['resource'], registers });
    const errors = new Counter({ name: 'cache_errors_total', help: 'Failed cache operations', labelNames: ['operation'], registers });
    const degradations = new Counter({ name: 'cache_degradations_total', help: 'Times the cache turned degraded (Valkey failing or too slow)', registers });
    const events: CacheEvents = {
      hit: (resource) => hits.inc({ resource }),
      miss: (resource) => misses.inc({ resource }),
      error: (operation) => errors.inc({ operation }),
      degraded: (state) => {
        if (state) degradations.inc();
      },
    };

    const target = config.redisUrl ? { url: config.redisUrl } : config.redisSentinel ? { sentinel: config.redisSentinel } : undefined;
    const cache: ResponseCache = target
      ? new Cache({
          target,
          prefix: config.cachePrefix,
          ttlSeconds: config.cacheTtlSeconds,
          timeoutMs: config.cacheTimeoutMs,
          events,
          log: app.log,
          local: { maxEntries: config.localCacheMax, leaseMs: config.localCacheLeaseMs, trackedKeyPrefixes: [cacheKeys.shortCode(''), cacheKeys.apiKey('')] },
        })
      : new NoCache(events);
    new Gauge({
      name: 'cache_bypassed',
      help: '1 while requests are served from PostgreSQL without the cache',
      registers,
      collect() {
        this.set(cache.bypassed ? 1 : 0);
      },
    });

    new Gauge({
      name: 'cache_degraded',
      help: '1 while Valkey fails or answers slower than CACHE_TIMEOUT_MS and reads go to PostgreSQL',
      registers,
      collect() {
        this.set(cache.degraded ? 1 : 0);
      },
    });
    new Gauge({
      name: 'local_cache_enabled',
      help: '1 while the in-process redirect cache is used (Valkey invalidations arriving)',
      registers,
      collect() {
        this.set(cache.local?.usable ? 1 : 0);
      },
    });
    new Gauge({
      name: 'local_cache_entries',
      help: 'Redirect targets held in process',
      registers,
      collect() {
        this.set(cache.local?.size ?? 0);
      },
    });
    new Counter({
      name: 'local_cache_invalidation_messages_total',
      help: 'Invalidation messages received from Valkey',
      registers,
      collect() {
        this.reset();
        this.inc(cache.local?.counters.invalidations ?? 0);
      },
    });

    new Counter({
      name: 'local_cache_lease_lapses_total',
      help: 'Times the in-process cache stopped being used because Valkey answered no lease ping in time',
      registers,
      collect() {
        this.reset();
        this.inc(cache.local?.counters.lapses ?? 0);
      },
    });

    app.decorate('cache', cache);
    app.addHook('onClose', async () => {
      await cache.close();
    });
    if (cache instanceof Cache) {
      await cache.connect(Math.max(config.cacheTimeoutMs, 1000));
      if (cache.status !== 'ready') app.log.warn({}, 'cache unreachable at start; serving from PostgreSQL until it connects');
    }
  },
  { name: 'cache', dependencies: ['metrics'] },
);
