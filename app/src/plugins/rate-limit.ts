import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { connectValkey } from '../cache/connection.js';
import type { Config } from '../config.js';
import { tooManyRequests } from '../lib/http-errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    limits: Limits;
  }
}

export type Bucket = 'address' | 'key' | 'create' | 'redirectMiss';

/** Each check counts the request in its bucket and throws a 429 when the bucket is full. */
export type Limits = Record<Bucket, (request: FastifyRequest, reply: FastifyReply) => Promise<void>>;

/**
 * Rate limits with @fastify/rate-limit and its Redis store, so every replica counts in the same
 * Valkey buckets. The plugin's `createRateLimit()` gives one checker per bucket; the access
 * plugin calls them in order (address, then key, then creates) so one request can be held to
 * several limits. A Valkey that fails does not fail requests (skipOnError): limits are a
 * guard, not a dependency. Without Valkey the counters are per process.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const limits = config.rateLimit;
    const common = {
      keyPrefix: '',
      commandTimeout: Math.max(config.cacheTimeoutMs, 10),
      connectTimeout: 1000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
      enableAutoPipelining: true,
      lazyConnect: true,
    };
    const target = config.redisUrl ? { url: config.redisUrl } : config.redisSentinel ? { sentinel: config.redisSentinel } : undefined;
    const redis = target ? connectValkey(target, common) : undefined;
    if (redis) {
      redis.on('error', () => undefined); // the cache plugin logs Valkey outages once
      await Promise.race([redis.connect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      app.addHook('onClose', async () => {
        redis.disconnect();
      });
    }
    await app.register(rateLimit, {
      global: false,
      redis,
      nameSpace: `${config.cachePrefix}rl:`,
      skipOnError: true,
      timeWindow: limits.windowMs,
    });

    const refused = new Counter({
      name: 'rate_limited_total',
      help: 'Requests refused with 429, by bucket',
      labelNames: ['bucket'],
      registers: [app.metrics.registry],
    });
    const windowSeconds = Math.round(limits.windowMs / 1000);
    const address = (request: FastifyRequest) => request.ip;
    const checker = (bucket: Bucket, max: number, what: string, key: (request: FastifyRequest) => string) => {
      if (max === 0) return async () => undefined;
      const check = app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: (request) => `${bucket}:${key(request)}` });
      return async (request: FastifyRequest, reply: FastifyReply) => {
        const result = await check(request);
        if (result.isAllowed) return;
        const reset = String(Math.max(result.ttlInSeconds, 0));
        const headers = {
          'x-ratelimit-limit': String(result.max),
          'x-ratelimit-remaining': String(result.remaining),
          'x-ratelimit-reset': reset,
          // the IETF fields (draft-ietf-httpapi-ratelimit-headers): the same bucket, named
          'ratelimit-policy': `"${bucket}";q=${result.max};w=${windowSeconds}`,
          ratelimit: `"${bucket}";r=${result.remaining};t=${reset}`,
        };
        if (result.isExceeded) {
          refused.inc({ bucket });
          throw tooManyRequests(`Rate limit exceeded: at most ${max} ${what} per ${windowSeconds} s; retry in ${reset} s.`, {
            ...headers,
            'retry-after': String(Math.max(result.ttlInSeconds, 1)),
          });
        }
        // the tightest bucket a request was counted in is the one its headers describe
        const shown = reply.getHeader('x-ratelimit-remaining');
        if (shown === undefined || Number(shown) > result.remaining) reply.headers(headers);
      };
    };
    const callerKey = (request: FastifyRequest) => (request.caller ? `key:${request.caller.keyId}` : `addr:${address(request)}`);
    app.decorate('limits', {
      address: checker('address', limits.perAddress, 'requests per client address', address),
      key: checker('key', limits.perKey, 'requests per API key', (request) => String(request.caller?.keyId ?? address(request))),
      create: checker('create', limits.creates, 'creates per API key or client address', callerKey),
      redirectMiss: checker('redirectMiss', limits.redirectMisses, 'uncached redirect lookups per client address', address),
    } satisfies Limits);
  },
  { name: 'rate-limit', dependencies: ['metrics'] },
);
