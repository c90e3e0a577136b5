// Shared pieces of the route schemas. Plain objects (no $ref) so both Ajv instances
// and fast-json-stringify see the same thing; the handlers' types are derived from them.
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

export const MAX_INT = 2_147_483_647;

export const errorResponse = {
  type: 'object',
  properties: {
    code: { type: 'integer' },
    status: { type: 'string' },
    message: { type: 'string' },
    errors: { type: 'object', additionalProperties: true },
    request_id: { type: 'string' },
  },
  required: ['code', 'status'],
} as const;

/** Path ids are matched as text and range-checked by the handler: anything else is a 404, not a 422. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]{1,10}$' } },
  required: ['id'],
} as const;

export const shortCodeParams = {
  type: 'object',
  properties: { short_code: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f/]+$' } },
  required: ['short_code'],
} as const;

export const MAX_PER_PAGE = 100;

/**
 * An integer query parameter within the range of the column it meets, parsed by our own rule
 * (lib/validation.ts): the handler receives a number.
 */
export const queryInteger = (minimum: number, maximum: number) => ({ 'x-query-integer': { minimum, maximum } }) as const;

/** `cursor` is keyset paging (rows after that id); `page` is OFFSET paging, bounded by PAGE_OFFSET_MAX. */
export const pageQuery = {
  page: queryInteger(1, MAX_INT),
  per_page: queryInteger(1, MAX_PER_PAGE),
  cursor: queryInteger(0, MAX_INT),
} as const;

/** An id in a body (JSON numbers, checked without coercion). */
export const idValue = { type: 'integer', minimum: 1, maximum: MAX_INT } as const;
/** An id in a query string. */
export const queryId = queryInteger(1, MAX_INT);

/** `True`/`False` as the seed data spells them, plus the usual lower-case and 1/0 forms. */
export const booleanQuery = { type: 'string', enum: ['true', 'false', 'True', 'False', '1', '0'] } as const;

export const parseBooleanQuery = (value: string): boolean => value === 'true' || value === 'True' || value === '1';

export const errorResponses = {
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  413: errorResponse,
  422: errorResponse,
  429: errorResponse,
  503: errorResponse,
} as const;

/** Parses a path id already matched by `idParams`; null when it cannot be a row id. */
export function parseId(raw: string): number | null {
  const id = Number(raw);
  return id >= 1 && id <= MAX_INT ? id : null;
}

/** The type of what a body or path schema accepts. */
export type Accepted<S extends JSONSchema> = FromSchema<S>;

/** A query parameter's type: our integer rule hands the handler a number; the rest as the schema says. */
type QueryValue<P> = P extends { 'x-query-integer': unknown } ? number : P extends JSONSchema ? FromSchema<P> : never;

/** The type of what a query-string schema accepts: each parameter optional. */
export type AcceptedQuery<S extends { properties: Record<string, unknown> }> = { -readonly [K in keyof S['properties']]?: QueryValue<S['properties'][K]> };

export type IdParams = Accepted<typeof idParams>;
export type PageQuery = AcceptedQuery<{ properties: typeof pageQuery }>;
