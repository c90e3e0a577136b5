import type { FastifyPluginAsync } from 'fastify';
import { cacheKeys, cacheLists, listQueryKey } from '../cache/keys.js';
import { assertAdmin, mayActOnUser, ownScope } from '../lib/access.js';
import { conflict, notFound } from '../lib/http-errors.js';
import { nextCursor, pageOf } from '../lib/paging.js';
import { errorResponses, idParams, parseId, type IdParams, type PageQuery } from '../schemas/common.js';
import {
  createUserBody,
  createdUserResponses,
  listUsersQuery,
  updateUserBody,
  userListResponses,
  userResponses,
  type CreateUserBody,
  type UpdateUserBody,
} from '../schemas/users.js';
import { sendHit, sendListHit, sendListMiss, sendMiss } from './cached.js';

const userNotFound = (id: string) => notFound(`User ${id} not found.`);

const routes: FastifyPluginAsync = async (app) => {
  const { cache, config } = app;
  const users = app.repos.users;

  app.get<{ Querystring: PageQuery }>(
    '/users',
    { schema: { querystring: listUsersQuery, response: userListResponses } },
    async (request, reply) => {
      const { page, cursor } = request.query;
      // paged in both modes: seed 002's unpaged list was 22 MB for 200,000 users
      const pageSpec = pageOf(request.query, config.pageOffsetMax);
      // a user's key sees its own record only
      const only = ownScope(request);
      const key = listQueryKey({ only, page: page ?? 1, per_page: pageSpec.limit, cursor });
      const cached = await cache.getList('users', cacheLists.users, key);
      if (cached.value !== null) return sendListHit(reply, cached.value);
      const rows = await users.list(pageSpec, only);
      return sendListMiss(reply, rows, nextCursor(rows, pageSpec), (value) =>
        cache.setList(cacheLists.users, cached.gen, key, value),
      );
    },
  );

  app.get<{ Params: IdParams }>(
    '/users/:id',
    { schema: { params: idParams, response: userResponses } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      if (id === null || !mayActOnUser(request, id)) throw userNotFound(request.params.id);
      const key = cacheKeys.user(id);
      const cached = await cache.get('user', key);
      if (cached !== null) return sendHit(reply, cached);
      reply.header('x-cache', 'MISS');
      const user = await users.findById(id);
      if (!user) throw userNotFound(request.params.id);
      return sendMiss(reply, user, (json) => cache.set(key, json));
    },
  );

  app.post<{ Body: CreateUserBody }>(
    '/users',
    { schema: { body: createUserBody, response: createdUserResponses } },
    async (request, reply) => {
      assertAdmin(request, 'create users');
      const user = await users.create(request.body);
      await cache.invalidate({ lists: [cacheLists.users] });
      return reply.code(201).send(user);
    },
  );

  app.put<{ Params: IdParams; Body: UpdateUserBody }>(
    '/users/:id',
    { schema: { params: idParams, body: updateUserBody, response: userResponses } },
    async (request) => {
      const id = parseId(request.params.id);
      if (id === null || !mayActOnUser(request, id)) throw userNotFound(request.params.id);
      const user = await users.update(id, request.body);
      if (!user) throw userNotFound(request.params.id);
      await cache.invalidate({ keys: [cacheKeys.user(id)], lists: [cacheLists.users] });
      return user;
    },
  );

  app.delete<{ Params: IdParams }>(
    '/users/:id',
    { schema: { params: idParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      if (id === null || !mayActOnUser(request, id)) throw userNotFound(request.params.id);
      const keyHashes = await app.apiKeys.hashesOf(id);
      const result = await users.delete(id);
      if (!result) throw userNotFound(request.params.id);
      if (!result.deleted) {
        throw conflict(`User ${id} still owns ${result.urls} URL${result.urls === 1 ? '' : 's'}; delete ${result.urls === 1 ? 'it' : 'them'} first.`);
      }
      // its keys went with it (ON DELETE CASCADE): no replica may keep accepting them
      await cache.invalidate({ keys: [cacheKeys.user(id), ...keyHashes.map(cacheKeys.apiKey)], lists: [cacheLists.users] });
      return reply.code(204).send();
    },
  );
};

export default routes;
