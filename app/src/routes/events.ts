import type { FastifyPluginAsync } from 'fastify';
import { invalid } from '../lib/http-errors.js';
import { containsNul, jsonDepth } from '../lib/validation.js';
import { toPage } from '../repositories/sql.js';
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

  app.get<{ Querystring: ListEventsQuery }>(
    '/events',
    { schema: { querystring: listEventsQuery, response: eventListResponses } },
    async (request) => {
      const { url_id, user_id, event_type, page = 1, per_page = 20 } = request.query;
      return events.list({ url_id, user_id, event_type }, toPage(page, per_page));
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
      return reply.code(201).send(await events.create(request.body));
    },
  );
};

export default routes;
