import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { cacheKeys } from '../cache/keys.js';
import { notFound } from '../lib/http-errors.js';
import { errorResponses, shortCodeParams } from '../schemas/common.js';

interface Target {
  /** url id */
  i: number;
  /** Location header value, already safe to send */
  l: string;
  /** original_url as stored, for the event */
  o: string;
  /** is_active */
  a: boolean;
}

// Header values must be Latin-1 without control characters; a stored URL with Unicode in
// its host or path goes out percent-encoded (and punycoded) instead of failing the reply.
function headerSafe(url: string): string {
  if (/^[\x21-\x7e]*$/.test(url)) return url;
  try {
    return new URL(url).href;
  } catch {
    return encodeURI(url);
  }
}

const codeNotFound = () => notFound('Short code not found.');

const routes: FastifyPluginAsync = async (app) => {
  const { cache, limits } = app;
  const urls = app.repos.urls;
  const local = cache.local;
  // the full key of a code held in process is this prefix and the code (see cacheKeys.shortCode)
  const heldPrefix = cache.fullKey(cacheKeys.shortCode(''));

  /**
   * A code held in process is answered synchronously, as bare Fastify answers: an async handler
   * puts every redirect's answer behind a promise and a microtask. (Fastify warns when a sync
   * handler returns the reply it already sent, so it returns nothing.)
   */
  function redirect(request: FastifyRequest<{ Params: { short_code: string } }>, reply: FastifyReply): Promise<FastifyReply> | undefined {
    if (local) {
      const held = local.get(heldPrefix + request.params.short_code) as Target | undefined;
      if (held !== undefined) {
        reply.header('x-cache', 'HIT');
        answer(request, reply, held);
        return undefined;
      }
    }
    return lookup(request, reply);
  }

  function answer(request: FastifyRequest, reply: FastifyReply, target: Target | null): FastifyReply {
    if (target === null || !target.a) throw codeNotFound();
    // a HEAD (link checkers, previews) is not a visit
    if (request.method === 'GET') app.redirectEvents.record(target.i, target.o, Date.now());
    return reply.redirect(target.l, 302);
  }

  /** A code not held in process: held after a lease ping (a lapse), or read from Valkey or PostgreSQL. */
  async function lookup(request: FastifyRequest<{ Params: { short_code: string } }>, reply: FastifyReply): Promise<FastifyReply> {
    const code = request.params.short_code;
    const key = cacheKeys.shortCode(code);
    const fullKey = local ? cache.fullKey(key) : '';
    const target = local?.lapsedLease ? ((await local.getAfterRenewal(fullKey)) as Target | undefined) : undefined;
    if (target !== undefined) {
      reply.header('x-cache', 'HIT');
      return answer(request, reply, target);
    }
    const token = local?.beginFill(fullKey) ?? null;
    let found: Target | null = null;
    try {
      found = await lookupCode(request, reply, key, code);
    } finally {
      // unknown codes are not kept: the set of misses is unbounded
      local?.endFill(token, found ?? undefined);
    }
    return answer(request, reply, found);
  }

  /**
   * Valkey, then PostgreSQL. Unknown codes all land there, so they are limited per address; a
   * code that exists is never counted, so a cache outage (every redirect a miss) refuses none.
   */
  async function lookupCode(request: FastifyRequest, reply: FastifyReply, key: string, code: string): Promise<Target | null> {
    const cached = await cache.get('redirect', key);
    if (cached !== null) {
      reply.header('x-cache', 'HIT');
      return JSON.parse(cached) as Target;
    }
    reply.header('x-cache', 'MISS');
    limits.redirectMiss.refuseBlocked(request);
    const row = await urls.findRedirectTarget(code);
    if (!row) {
      await limits.redirectMiss.countUnknown(request, reply);
      return null;
    }
    const target = { i: row.id, l: headerSafe(row.original_url), o: row.original_url, a: row.is_active };
    // inactive codes are cached too: they are answered 404 from the cache
    cache.set(key, JSON.stringify(target));
    return target;
  }

  const options = {
    config: { public: true, redirect: true },
    schema: { params: shortCodeParams, response: { 302: { type: 'null' }, ...errorResponses } },
  };
  app.get('/:short_code', options, redirect);
  app.get('/urls/:short_code/redirect', options, redirect);
};

export default routes;
