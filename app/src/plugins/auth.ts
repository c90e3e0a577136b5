import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { bearerToken, hashApiKey } from '../auth/api-key.js';
import { cacheKeys } from '../cache/keys.js';
import { unauthorized } from '../lib/http-errors.js';
import { ApiKeysRepository, type Caller } from '../repositories/api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request; null on public routes and in open mode. */
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** Served without credentials or API rate limits: health, metrics, redirects. */
    public?: boolean;
  }
}

/**
 * Authentication and the API's rate limits, in one onRequest hook so that their order is
 * explicit: the per-address limit before any key is looked up (a flood of bad keys never
 * reaches PostgreSQL), then the per-key and create limits. Before the body is read, so a
 * refused request costs no parsing. Public routes (and unknown paths) skip all of it.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    const keys = new ApiKeysRepository(app.pg);
    app.decorate('apiKeys', keys);
    app.decorateRequest('caller', null);
    const { limits, cache } = app;
    // Valid keys are kept in process like redirect targets: a revocation (or the deletion of
    // the user) writes the key's name in Valkey, whose invalidation reaches every replica.
    const local = cache.local;
    const keyName = (token: string) => cache.fullKey(cacheKeys.apiKey(hashApiKey(token).toString('hex')));
    /** The caller of a key this process holds and trusts; undefined when it must be looked up. */
    const heldCaller = (name: string): Caller | undefined => {
      const held = local?.get(name) as { caller: Caller; at: number } | undefined;
      // a minute at most, so a user made admin from the command line is seen as one soon
      return held && Date.now() - held.at < 60_000 ? held.caller : undefined;
    };
    const authenticate = async (token: string, name: string | undefined): Promise<Caller | null> => {
      if (!local || name === undefined) return keys.authenticate(token);
      const fill = local.beginFill(name);
      let caller: Caller | null = null;
      try {
        caller = await keys.authenticate(token);
      } finally {
        // unknown keys are not kept: guesses must not fill the memory
        local.endFill(fill, caller ? { caller, at: Date.now() } : undefined);
      }
      return caller;
    };
    const callerLimits = (request: FastifyRequest, reply: FastifyReply) =>
      request.method === 'POST' ? Promise.all([limits.key(request, reply), limits.create(request, reply)]) : limits.key(request, reply);
    const guard = async (request: FastifyRequest, reply: FastifyReply) => {
      if (config.openApi) {
        await (request.method === 'POST' ? Promise.all([limits.address(request, reply), limits.create(request, reply)]) : limits.address(request, reply));
        return;
      }
      const token = bearerToken(request.headers.authorization);
      // A key held in process costs no lookup, so its buckets are counted together with the
      // address's: one Valkey round trip, where a busy event loop makes each one costly.
      const name = token && local ? keyName(token) : undefined;
      const held = name === undefined ? undefined : heldCaller(name);
      if (held) {
        request.caller = held;
        await Promise.all([limits.address(request, reply), callerLimits(request, reply)]);
        return;
      }
      // Otherwise the address first: a flood of bad keys is refused before it reaches PostgreSQL.
      await limits.address(request, reply);
      if (!token) throw unauthorized('This request needs an API key: send it as Authorization: Bearer <key>.');
      const caller = await authenticate(token, name);
      if (!caller) throw unauthorized('The API key is not valid or has been revoked.');
      request.caller = caller;
      await callerLimits(request, reply);
    };
    // Added to each non-public route rather than globally: the redirect hot path pays nothing.
    app.addHook('onRoute', (route) => {
      if (route.config?.public) return;
      route.onRequest = [guard, ...(Array.isArray(route.onRequest) ? route.onRequest : route.onRequest ? [route.onRequest] : [])];
    });
  },
  { name: 'auth', dependencies: ['db', 'cache', 'rate-limit'] },
);

declare module 'fastify' {
  interface FastifyInstance {
    apiKeys: ApiKeysRepository;
  }
}
