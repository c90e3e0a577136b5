import type { FastifyPluginAsync } from 'fastify';
import { cacheKeys } from '../cache/keys.js';
import { mayActOnUser } from '../lib/access.js';
import { forbidden, notFound } from '../lib/http-errors.js';
import { errorResponses, idParams, parseId, type IdParams } from '../schemas/common.js';

const apiKey = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'integer' },
    name: { type: 'string' },
    prefix: { type: 'string' },
    created_at: { type: 'string' },
    revoked_at: { type: ['string', 'null'] },
  },
  required: ['id', 'user_id', 'name', 'prefix', 'created_at', 'revoked_at'],
} as const;

const keyParams = {
  type: 'object',
  properties: { id: idParams.properties.id, key_id: idParams.properties.id },
  required: ['id', 'key_id'],
} as const;

/**
 * API keys of a user: created by the user itself or an admin (the key is in the response,
 * once), listed without their secret, revoked. Never anonymously: with OPEN_API=true anyone
 * could mint a key for any user, which a protected instance sharing the database would then
 * accept (and as an admin's, once the user became one), or revoke everyone's keys. In open
 * mode the routes answer 403; keys come from `npm run app:api-key` or a protected instance
 * (docs/decisions.md, "API keys are never minted anonymously").
 */
const routes: FastifyPluginAsync = async (app) => {
  const keys = app.apiKeys;
  const userNotFound = (id: string) => notFound(`User ${id} not found.`);
  const refuseWhenOpen = async () => {
    if (app.config.openApi) {
      throw forbidden(
        'API keys are not issued, listed or revoked while OPEN_API=true, where anyone could do it for any user: ' +
          'issue them with npm run app:api-key, or through an instance with OPEN_API=false.',
      );
    }
  };

  app.post<{ Params: IdParams; Body: { name?: string } | undefined }>(
    '/users/:id/api-keys',
    {
      onRequest: refuseWhenOpen,
      schema: {
        params: idParams,
        body: { type: ['object', 'null'], properties: { name: { type: 'string', maxLength: 80, format: 'text' } }, additionalProperties: false },
        response: { 201: { ...apiKey, properties: { ...apiKey.properties, key: { type: 'string' } }, required: [...apiKey.required, 'key'] }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const id = parseId(request.params.id);
      if (id === null || !mayActOnUser(request, id)) throw userNotFound(request.params.id);
      const created = await keys.create(id, request.body?.name ?? '');
      if (!created) throw userNotFound(request.params.id);
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get<{ Params: IdParams }>(
    '/users/:id/api-keys',
    { onRequest: refuseWhenOpen, schema: { params: idParams, response: { 200: { type: 'array', items: apiKey }, ...errorResponses } } },
    async (request) => {
      const id = parseId(request.params.id);
      if (id === null || !mayActOnUser(request, id)) throw userNotFound(request.params.id);
      return keys.list(id);
    },
  );

  app.delete<{ Params: IdParams & { key_id: string } }>(
    '/users/:id/api-keys/:key_id',
    { onRequest: refuseWhenOpen, schema: { params: keyParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply) => {
      const id = parseId(request.params.id);
      const keyId = parseId(request.params.key_id);
      const missing = () => notFound(`API key ${request.params.key_id} of user ${request.params.id} not found.`);
      if (id === null || keyId === null || !mayActOnUser(request, id)) throw missing();
      const hash = await keys.revoke(id, keyId);
      if (hash === null) throw missing();
      await app.cache.invalidate({ keys: [cacheKeys.apiKey(hash)] });
      return reply.code(204).send();
    },
  );
};

export default routes;
