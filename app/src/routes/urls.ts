import type { FastifyPluginAsync } from 'fastify';
import { cacheKeys, cacheLists, listQueryKey } from '../cache/keys.js';
import { notFound } from '../lib/http-errors.js';
import { toPage } from '../repositories/sql.js';
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
import { sendHit, sendMiss } from './cached.js';

const urlNotFound = (id: string) => notFound(`URL ${id} not found.`);

const routes: FastifyPluginAsync = async (app) => {
  const { cache } = app;
  const urls = app.repos.urls;

  app.get<{ Querystring: ListUrlsQuery }>(
    '/urls',
    { schema: { querystring: listUrlsQuery, response: urlListResponses } },
    async (request, reply) => {
      const { user_id, is_active, page = 1, per_page = 20 } = request.query;
      const filters = { user_id, is_active: is_active === undefined ? undefined : parseBooleanQuery(is_active) };
      const key = listQueryKey({ ...filters, page, per_page });
      const cached = await cache.getList('urls', cacheLists.urls, key);
      if (cached.value !== null) return sendHit(reply, cached.value);
      const rows = await urls.list(filters, toPage(page, per_page));
      return sendMiss(reply, rows, (json) => cache.setList(cacheLists.urls, cached.gen, key, json));
    },
  );

  app.get<{ Params: IdParams }>('/urls/:id', { schema: { params: idParams, response: urlResponses } }, async (request, reply) => {
    const id = parseId(request.params.id);
    if (id === null) throw urlNotFound(request.params.id);
    const key = cacheKeys.url(id);
    const cached = await cache.get('url', key);
    if (cached !== null) return sendHit(reply, cached);
    reply.header('x-cache', 'MISS');
    const url = await urls.findById(id);
    if (!url) throw urlNotFound(request.params.id);
    return sendMiss(reply, url, (json) => cache.set(key, json));
  });

  app.post<{ Body: CreateUrlBody }>(
    '/urls',
    { schema: { body: createUrlBody, response: createdUrlResponses } },
    async (request, reply) => {
      const { user_id, original_url, title = '' } = request.body;
      const url = await urls.create({ user_id, original_url, title });
      await cache.invalidate({ lists: [cacheLists.urls] });
      return reply.code(201).send(url);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateUrlBody }>(
    '/urls/:id',
    { schema: { params: idParams, body: updateUrlBody, response: urlResponses } },
    async (request) => {
      const id = parseId(request.params.id);
      if (id === null) throw urlNotFound(request.params.id);
      const result = await urls.update(id, request.body);
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
      const shortCode = await urls.delete(id);
      if (shortCode === null) throw urlNotFound(request.params.id);
      await cache.invalidate({ keys: [cacheKeys.url(id), cacheKeys.shortCode(shortCode)], lists: [cacheLists.urls] });
      return reply.code(204).send();
    },
  );
};

export default routes;
