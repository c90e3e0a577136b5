import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { cacheKeys, cacheLists, listQueryKey } from '../cache/keys.js';
import { assertOwner, mayRead, ownScope } from '../lib/access.js';
import { destinationGuard } from '../destination/guard.js';
import { forbidden, invalid, notFound } from '../lib/http-errors.js';
import { nextCursor, pageOf } from '../lib/paging.js';
import { errorResponses, idParams, parseBooleanQuery, parseId, type IdParams } from '../schemas/common.js';
import {
  createUrlBody,
  createdUrlResponses,
  listUrlsQuery,
  updateUrlBody,
  urlListResponses,
  urlResponses,
  type CreateUrlBody,
  type ListUrlsQuery,
  type UpdateUrlBody,
} from '../schemas/urls.js';
import { sendHit, sendListHit, sendListMiss, sendMiss } from './cached.js';

const urlNotFound = (id: string) => notFound(`URL ${id} not found.`);

const routes: FastifyPluginAsync = async (app) => {
  const { cache, config } = app;
  const urls = app.repos.urls;
  const checkTarget = destinationGuard(app);
  /** The URL's owner, for the ownership checks; 404 when it does not exist or the caller may not read it. */
  const ownerOf = async (request: FastifyRequest, id: number, raw: string) => {
    const url = await urls.findById(id);
    if (!url || !mayRead(request, url.user_id)) throw urlNotFound(raw);
    return url.user_id;
  };

  app.get<{ Querystring: ListUrlsQuery }>(
    '/urls',
    { schema: { querystring: listUrlsQuery, response: urlListResponses } },
    async (request, reply) => {
      const { is_active, page, cursor } = request.query;
      const scope = ownScope(request);
      if (scope !== undefined && request.query.user_id !== undefined && request.query.user_id !== scope) {
        throw forbidden(`The URLs of user ${request.query.user_id} are not yours: an API key lists its own user's URLs.`);
      }
      const user_id = scope ?? request.query.user_id;
      const pageSpec = pageOf(request.query, config.pageOffsetMax);
      const filters = { user_id, is_active: is_active === undefined ? undefined : parseBooleanQuery(is_active) };
      const key = listQueryKey({ ...filters, page: page ?? 1, per_page: pageSpec.limit, cursor });
      const cached = await cache.getList('urls', cacheLists.urls, key);
      if (cached.value !== null) return sendListHit(reply, cached.value);
      const rows = await urls.list(filters, pageSpec);
      return sendListMiss(reply, rows, nextCursor(rows, pageSpec), (value) => cache.setList(cacheLists.urls, cached.gen, key, value));
    },
  );

  app.get<{ Params: IdParams }>('/urls/:id', { schema: { params: idParams, response: urlResponses } }, async (request, reply) => {
    const id = parseId(request.params.id);
    if (id === null) throw urlNotFound(request.params.id);
    const key = cacheKeys.url(id);
    const cached = await cache.get('url', key);
    if (cached !== null) {
      if (ownScope(request) !== undefined && !mayRead(request, (JSON.parse(cached) as { user_id: number }).user_id)) throw urlNotFound(request.params.id);
      return sendHit(reply, cached);
    }
    reply.header('x-cache', 'MISS');
    const url = await urls.findById(id);
    if (!url || !mayRead(request, url.user_id)) throw urlNotFound(request.params.id);
    return sendMiss(reply, url, (json) => cache.set(key, json));
  });

  app.post<{ Body: CreateUrlBody }>(
    '/urls',
    { schema: { body: createUrlBody, response: createdUrlResponses } },
    async (request, reply) => {
      const { original_url, title = '' } = request.body;
      const caller = request.caller;
      const user_id = request.body.user_id ?? caller?.userId;
      if (user_id === undefined) throw invalid('json', 'user_id', 'Missing data for required field.');
      if (caller && !caller.isAdmin && user_id !== caller.userId) {
        throw forbidden(`User ${user_id} is not yours: an API key creates URLs for its own user.`);
      }
      await checkTarget(original_url, request, reply);
      const url = await urls.create({ user_id, original_url, title });
      await cache.invalidate({ lists: [cacheLists.urls] });
      return reply.code(201).send(url);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateUrlBody }>(
    '/urls/:id',
    { schema: { params: idParams, body: updateUrlBody, response: urlResponses } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      if (id === null) throw urlNotFound(request.params.id);
      if (request.caller) assertOwner(request, await ownerOf(request, id, request.params.id), `URL ${id}`);
      await checkTarget(request.body.original_url, request, reply);
      const result = await urls.update(id, request.body, request.caller?.userId);
      if (!result) throw urlNotFound(request.params.id);
      await cache.invalidate({
        keys: [cacheKeys.url(id), cacheKeys.shortCode(result.after.short_code)],
        lists: [cacheLists.urls],
      });
      return result.after;
    },
  );

  app.delete<{ Params: IdParams }>(
    '/urls/:id',
    { schema: { params: idParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      if (id === null) throw urlNotFound(request.params.id);
      if (request.caller) assertOwner(request, await ownerOf(request, id, request.params.id), `URL ${id}`);
      const shortCode = await urls.delete(id, request.caller?.userId);
      if (shortCode === null) throw urlNotFound(request.params.id);
      await cache.invalidate({ keys: [cacheKeys.url(id), cacheKeys.shortCode(shortCode)], lists: [cacheLists.urls] });
      return reply.code(204).send();
    },
  );
};

export default routes;
