import { type Accepted, type AcceptedQuery, booleanQuery, errorResponses, idValue, pageQuery, queryId } from './common.js';

export const url = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    user_id: { type: 'integer' },
    short_code: { type: 'string' },
    original_url: { type: 'string' },
    title: { type: 'string' },
    is_active: { type: 'boolean' },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'user_id', 'short_code', 'original_url', 'title', 'is_active', 'created_at', 'updated_at'],
} as const;

const originalUrl = { type: 'string', maxLength: 2048, format: 'http-url' } as const;
const title = { type: 'string', maxLength: 200, format: 'text' } as const;

export const createUrlBody = {
  type: 'object',
  properties: {
    user_id: idValue,
    original_url: originalUrl,
    title,
  },
  // user_id is required in open mode only; with API keys it defaults to the caller (checked by the route)
  required: ['original_url'],
  additionalProperties: false,
} as const;

export const updateUrlBody = {
  type: 'object',
  properties: {
    original_url: originalUrl,
    title,
    is_active: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

export const listUrlsQuery = {
  type: 'object',
  properties: { user_id: queryId, is_active: booleanQuery, ...pageQuery },
} as const;

export const urlResponses = { 200: url, ...errorResponses } as const;
export const createdUrlResponses = { 201: url, ...errorResponses } as const;
export const urlListResponses = { 200: { type: 'array', items: url }, ...errorResponses } as const;

export type CreateUrlBody = Accepted<typeof createUrlBody>;
export type UpdateUrlBody = Accepted<typeof updateUrlBody>;
export type ListUrlsQuery = AcceptedQuery<typeof listUrlsQuery>;
