import { type Accepted, type AcceptedQuery, errorResponses, idValue, pageQuery, queryId } from './common.js';

export const DETAILS_MAX_BYTES = 8192;
export const DETAILS_MAX_DEPTH = 64;

export const event = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    url_id: { type: ['integer', 'null'] },
    user_id: { type: ['integer', 'null'] },
    event_type: { type: 'string' },
    timestamp: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
  required: ['id', 'url_id', 'user_id', 'event_type', 'timestamp', 'details'],
} as const;

const eventType = { type: 'string', minLength: 1, maxLength: 50, format: 'text' } as const;

export const createEventBody = {
  type: 'object',
  properties: {
    url_id: idValue,
    user_id: idValue,
    event_type: eventType,
    // size and NUL checks need the whole value: done by the handler
    details: { type: 'object' },
  },
  required: ['url_id', 'user_id', 'event_type', 'details'],
  additionalProperties: false,
} as const;

export const listEventsQuery = {
  type: 'object',
  properties: { url_id: queryId, user_id: queryId, event_type: eventType, ...pageQuery },
} as const;

export const createdEventResponses = { 201: event, ...errorResponses } as const;
export const eventListResponses = { 200: { type: 'array', items: event }, ...errorResponses } as const;

export type CreateEventBody = Accepted<typeof createEventBody>;
export type ListEventsQuery = AcceptedQuery<typeof listEventsQuery>;
