import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { connectValkey } from '../cache/connection.js';
import type { Config } from '../config.js';
import { tooManyRequests } from '../lib/http-errors.js';
import { BlockedAddresses } from '../rate-limit/blocked-addresses.js';
import { DeadlineStore } from '../rate-limit/store.js';
import { ValkeyClock } from '../rate-limit/valkey-clock.js';

declare module 'fastify' {
  interface FastifyInstance {
    limits: Limits;
  }
}

export type Bucket = 'address' | 'key' | 'create' | 'redirectMiss';

/** Counts the request in its bucket and throws a 429 when the bucket is full. */
export type Check = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface Limits {
  address: Check;
  key: Check;
  create: Check;
  /**
   * Unknown short codes per client address. Only a lookup that found nothing counts, so a code
   * that exists is never refused because the cache was down and every redirect reached
   * PostgreSQL; an address past the limit is refused further lookups before PostgreSQL.
   */
  redirectMiss: {
    /** Throws the 429 for an address this process knows to be past the limit; no Valkey round trip. */
    refuseBlocked(request: FastifyRequest): void;
    /** Counts a lookup that found no code. */
    countUnknown: Check;
  };
}

/** X-RateLimit-* and, beside them, the IETF fields (draft-ietf-httpapi-ratelimit-headers) for one bucket. */
function limitHeaders(bucket: Bucket, max: number, remaining: number, resetSeconds: number, windowSeconds: number): Record<string, string> {
  return {
    'x-ratelimit-limit': String(max),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(resetSeconds),
    'ratelimit-policy': `"${bucket}";q=${max};w=${windowSeconds}`,
    ratelimit: `"${bucket}";r=${remaining};t=${resetSeconds}`,
  };
}

/**
 * Rate limits with @fastify/rate-limit, counted in Valkey so every replica shares the buckets
 * (rate-limit/store.ts: a count Valkey runs after its deadline is dropped, and nothing is sent
 * to a Valkey that stopped answering). The plugin's `createRateLimit()` gives one checker per
 * bucket; the auth plugin calls them in order (address, then key, then creates) so one request
 * can be held to several limits. A Valkey that fails does not fail requests (skipOnError):
 * limits are a guard, not a dependency. Without Valkey the counters are per process.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const limits = config.rateLimit;
    const registers = [app.metrics.registry];
    const refused = new Counter({ name: 'rate_limited_total', help: 'Requests refused with 429, by bucket', labelNames: ['bucket'], registers });
    const uncounted = new Counter({
      name: 'rate_limit_uncounted_total',
      help: 'Rate-limit counts skipped: Valkey failing or suspended after a failure, or a count it ran after its deadline',
      labelNames: ['reason'],
      registers,
    });

    const commandTimeout = Math.max(config.cacheTimeoutMs, 10);
    const target = config.redisUrl ? { url: config.redisUrl } : config.redisSentinel ? { sentinel: config.redisSentinel } : undefined;
    let store: DeadlineStore | undefined;
    if (target) {
      const redis = connectValkey(target, {
        commandTimeout,
        connectTimeout: 1000,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
        enableAutoPipelining: true,
        lazyConnect: true,
      });
      redis.on('error', () => undefined); // the cache plugin logs Valkey outages once
      const clock = new ValkeyClock(redis);
      store = new DeadlineStore(redis, clock, {
        prefix: `${config.cachePrefix}rl:`,
        timeoutMs: commandTimeout,
        probeEveryMs: 100,
        events: { uncounted: (reason) => uncounted.inc({ reason }) },
      });
      await Promise.race([redis.connect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      clock.start();
      app.addHook('onClose', async () => {
        clock.stop();
        store?.close();
        redis.disconnect();
      });
    }
    const shared = store;
    await app.register(rateLimit, {
      global: false,
      // (called with `new`: a function that returns an object gives that object)
      ...(shared ? { store: function sharedStore() { return shared; } as never } : {}),
      skipOnError: true,
      timeWindow: limits.windowMs,
    });

    const windowSeconds = Math.round(limits.windowMs / 1000);
    const address = (request: FastifyRequest) => request.ip;
    const limitMessage = (max: number, what: string, resetSeconds: number) => `Rate limit exceeded: at most ${max} ${what} per ${windowSeconds} s; retry in ${resetSeconds} s.`;
    const checker = (bucket: Bucket, max: number, what: string, key: (request: FastifyRequest) => string, onExceeded?: (request: FastifyRequest, ttlMs: number) => void): Check => {
      if (max === 0) return async () => undefined;
      const check = app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: (request) => `${bucket}:${key(request)}` });
      return async (request, reply) => {
        const result = await check(request);
        if (result.isAllowed) return;
        const reset = Math.max(result.ttlInSeconds, 0);
        const headers = limitHeaders(bucket, result.max, result.remaining, reset, windowSeconds);
        if (result.isExceeded) {
          refused.inc({ bucket });
          onExceeded?.(request, result.ttl);
          throw tooManyRequests(limitMessage(max, what, reset), { ...headers, 'retry-after': String(Math.max(reset, 1)) });
        }
        // the tightest bucket a request was counted in is the one its headers describe
        const shown = reply.getHeader('x-ratelimit-remaining');
        if (shown === undefined || Number(shown) > result.remaining) reply.headers(headers);
      };
    };

    const missWhat = 'lookups of unknown short codes per client address';
    const blocked = new BlockedAddresses(100_000);
    const callerKey = (request: FastifyRequest) => (request.caller ? `key:${request.caller.keyId}` : `addr:${address(request)}`);
    app.decorate('limits', {
      address: checker('address', limits.perAddress, 'requests per client address', address),
      key: checker('key', limits.perKey, 'requests per API key', (request) => String(request.caller?.keyId ?? address(request))),
      create: checker('create', limits.creates, 'creates per API key or client address', callerKey),
      redirectMiss: {
        refuseBlocked(request) {
          if (limits.redirectMisses === 0) return;
          const left = blocked.remainingMs(address(request));
          if (left === 0) return;
          const reset = Math.ceil(left / 1000);
          refused.inc({ bucket: 'redirectMiss' });
          throw tooManyRequests(limitMessage(limits.redirectMisses, missWhat, reset), {
            ...limitHeaders('redirectMiss', limits.redirectMisses, 0, reset, windowSeconds),
            'retry-after': String(reset),
          });
        },
        countUnknown: checker('redirectMiss', limits.redirectMisses, missWhat, address, (request, ttlMs) => blocked.block(address(request), ttlMs)),
      },
    } satisfies Limits);
  },
  { name: 'rate-limit', dependencies: ['metrics'] },
);
