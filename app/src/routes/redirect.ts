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
  const { cache } = app;
  const urls = app.repos.urls;

  async function redirect(request: FastifyRequest<{ Params: { short_code: string } }>, reply: FastifyReply) {
    const code = request.params.short_code;
    const key = cacheKeys.shortCode(code);
    let target: Target;
    const cached = await cache.get('redirect', key);
    if (cached !== null) {
      target = JSON.parse(cached) as Target;
      reply.header('x-cache', 'HIT');
    } else {
      const row = await urls.findRedirectTarget(code);
      if (!row) throw codeNotFound();
      target = { i: row.id, l: headerSafe(row.original_url), o: row.original_url, a: row.is_active };
      // inactive codes are cached too: they are answered 404 from the cache
      cache.set(key, JSON.stringify(target));
      reply.header('x-cache', 'MISS');
    }
    if (!target.a) throw codeNotFound();
    // a HEAD (link checkers, previews) is not a visit
    if (request.method === 'GET') app.redirectEvents.record({ urlId: target.i, originalUrl: target.o, at: Date.now() });
    return reply.redirect(target.l, 302);
  }

  const options = { schema: { params: shortCodeParams, response: { 302: { type: 'null' }, ...errorResponses } } };
  app.get('/:short_code', options, redirect);
  app.get('/urls/:short_code/redirect', options, redirect);
};

export default routes;
