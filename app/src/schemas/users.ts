import { type Accepted, errorResponses, pageQuery } from './common.js';

export const user = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    username: { type: 'string' },
    email: { type: 'string' },
    created_at: { type: 'string' },
  },
  required: ['id', 'username', 'email', 'created_at'],
} as const;

const username = {
  type: 'string',
  maxLength: 80,
  format: 'text',
  pattern: '\\S',
  'x-message': 'Must not be blank.',
} as const;
const email = { type: 'string', maxLength: 254, format: 'email' } as const;

export const createUserBody = {
  type: 'object',
  properties: { username, email },
  required: ['username', 'email'],
  additionalProperties: false,
} as const;

export const updateUserBody = {
  type: 'object',
  properties: { username, email },
  additionalProperties: false,
} as const;

export const listUsersQuery = { type: 'object', properties: { ...pageQuery } } as const;

export const userResponses = { 200: user, ...errorResponses } as const;
export const createdUserResponses = { 201: user, ...errorResponses } as const;
export const userListResponses = { 200: { type: 'array', items: user }, ...errorResponses } as const;
export const bulkResponses = {
  201: {
    type: 'object',
    properties: { imported: { type: 'integer' }, skipped: { type: 'integer' } },
    required: ['imported', 'skipped'],
  },
  ...errorResponses,
} as const;

export type CreateUserBody = Accepted<typeof createUserBody>;
export type UpdateUserBody = Accepted<typeof updateUserBody>;
