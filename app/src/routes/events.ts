import type { FastifyPluginAsync } from 'fastify';
import { mayRead, ownScope } from '../lib/access.js';
import { forbidden, invalid, notFound } from '../lib/http-errors.js';
import { nextCursor, pageOf, setNextCursor } from '../lib/paging.js';
import { containsNul, jsonDepth } from '../lib/validation.js';
import {
  DETAILS_MAX_BYTES,
  DETAILS_MAX_DEPTH,
  createEventBody,
  createdEventResponses,
  eventListResponses,
  listEventsQuery,
  type CreateEventBody,
  type ListEventsQuery,
} from '../schemas/events.js';

const routes: FastifyPluginAsync = async (app) => {
  const events = app.repos.events;
  const { config } = app;

  app.get<{ Querystring: ListEventsQuery }>(
    '/events',
    { schema: { querystring: listEventsQuery, response: eventListResponses } },
    async (request, reply) => {
      const { url_id, event_type } = request.query;
      const scope = ownScope(request);
      if (scope !== undefined && request.query.user_id !== undefined && request.query.user_id !== scope) {
        throw forbidden(`The events of user ${request.query.user_id} are not yours: an API key lists its own user's events.`);
      }
      const page = pageOf(request.query, config.pageOffsetMax);
      const rows = await events.list({ url_id, user_id: scope ?? request.query.user_id, event_type }, page);
      setNextCursor(reply, nextCursor(rows, page));
      return rows;
    },
  );

  app.post<{ Body: CreateEventBody }>(
    '/events',
    { schema: { body: createEventBody, response: createdEventResponses } },
    async (request, reply) => {
      const { details } = request.body;
      if (jsonDepth(details) > DETAILS_MAX_DEPTH) {
        throw invalid('json', 'details', `Nested deeper than ${DETAILS_MAX_DEPTH} levels.`);
      }
      if (Buffer.byteLength(JSON.stringify(details)) > DETAILS_MAX_BYTES) {
        throw invalid('json', 'details', `Longer than maximum length ${DETAILS_MAX_BYTES} bytes as JSON.`);
      }
      if (containsNul(details)) throw invalid('json', 'details', 'Must not contain NUL characters.');
      const scope = ownScope(request);
      if (scope !== undefined) {
        if (request.body.user_id !== scope) throw forbidden(`User ${request.body.user_id} is not yours: an API key records events as its own user.`);
        const url = await app.repos.urls.findById(request.body.url_id);
        if (!url || !mayRead(request, url.user_id)) throw notFound(`URL ${request.body.url_id} not found.`);
      }
      return reply.code(201).send(await events.create(request.body));
    },
  );
};

export default routes;
