import { Ajv, type ErrorObject, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldErrors } from './http-errors.js';

// Two Ajv instances instead of Fastify's one: bodies are checked strictly (no type
// coercion, unknown fields rejected), while query strings arrive as text. Numbers in a query
// are parsed by our own rule (`x-query-integer`), not by Ajv's coercion, which lets
// `Infinity`, `-Infinity` and `1e999` through past `maximum` (ajv#2212) and reads `0x10` as 16.

const NUL = '\u0000';
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f]/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export const isHttpUrl = (value: string): boolean => {
  // The WHATWG parser silently strips tabs, newlines and surrounding spaces and accepts
  // "http:example.com"; require the literal form instead.
  if (CONTROL_OR_SPACE.test(value) || !/^https?:\/\/[^/?#]/i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
};

const formats = {
  text: (value: string) => !value.includes(NUL),
  email: (value: string) => !CONTROL_OR_SPACE.test(value) && EMAIL.test(value),
  'http-url': isHttpUrl,
};

const common: Options = {
  allErrors: true, // report every field at once, as the seed did; schemas here are small and bounded
  verbose: true, // keep parentSchema so messages can be chosen per field
  useDefaults: true,
  removeAdditional: false,
  formats,
};

const bodyAjv = new Ajv({ ...common, coerceTypes: false });
const queryAjv = new Ajv({ ...common, coerceTypes: 'array' });
for (const ajv of [bodyAjv, queryAjv]) ajv.addVocabulary(['x-message']);

/** Bounds of an integer query parameter, inclusive: the range of the column it is compared with. */
export interface IntegerRange {
  minimum: number;
  maximum: number;
}

const DECIMAL = /^[+-]?[0-9]+$/;

/**
 * Parses a query value as a decimal integer within the range and puts the number in its place
 * (a modifying keyword): anything else is a 422 on that parameter, with the messages that Ajv's
 * own `type`, `minimum` and `maximum` would give. Digits too many for a double parse to
 * Infinity, which is out of range like any other large value.
 */
function queryInteger(range: IntegerRange, data: unknown, _schema: unknown, context?: { instancePath: string; parentData: Record<string, unknown>; parentDataProperty: string | number }): boolean {
  const fail = (keyword: string, params: Record<string, unknown>) => {
    (queryInteger as { errors?: Partial<ErrorObject>[] }).errors = [{ keyword, params, instancePath: context?.instancePath ?? '' }];
    return false;
  };
  if (typeof data !== 'string' || !DECIMAL.test(data)) return fail('type', { type: 'integer' });
  const value = Number(data);
  if (value < range.minimum) return fail('minimum', { limit: range.minimum });
  if (!(value <= range.maximum)) return fail('maximum', { limit: range.maximum });
  if (context) context.parentData[context.parentDataProperty] = value;
  return true;
}
queryAjv.addKeyword({ keyword: 'x-query-integer', schemaType: 'object', modifying: true, errors: true, validate: queryInteger as never });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema as object);

const typeMessages: Record<string, string> = {
  integer: 'Not a valid integer.',
  number: 'Not a valid number.',
  string: 'Not a valid string.',
  boolean: 'Not a valid boolean.',
  object: 'Not a valid mapping type.',
};
const formatMessages: Record<string, string> = {
  text: 'Must not contain NUL characters.',
  email: 'Not a valid email address.',
  'http-url': 'Not a valid URL: use an absolute http or https address with a host.',
};

function messageFor(error: ErrorObject): string {
  const custom = (error.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'Missing data for required field.';
    case 'additionalProperties':
      return 'Unknown field.';
    case 'type':
      return error.instancePath === '' ? 'Invalid input type.' : (typeMessages[String(params.type)] ?? 'Invalid type.');
    case 'maxLength':
      return `Longer than maximum length ${String(params.limit)}.`;
    case 'minLength':
      return `Shorter than minimum length ${String(params.limit)}.`;
    case 'minimum':
      return `Must be greater than or equal to ${String(params.limit)}.`;
    case 'maximum':
      return `Must be less than or equal to ${String(params.limit)}.`;
    case 'format':
      return formatMessages[String(params.format)] ?? 'Invalid value.';
    case 'enum':
      return `Must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}.`;
    default:
      return typeof custom === 'string' ? custom : (error.message ?? 'Invalid value.');
  }
}

function fieldOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return String(params.missingProperty);
  if (error.keyword === 'additionalProperties') return String(params.additionalProperty);
  if (error.instancePath === '') return '_schema';
  // "/field" or "/field/0": report against the top-level field
  return decodeURIComponent(error.instancePath.split('/')[1]!.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const locations: Record<string, string> = { body: 'json', querystring: 'query', headers: 'headers', params: 'path' };

/** Turns Ajv errors into the seed's `{"json": {"field": ["message"]}}` shape. */
export function toFieldErrors(errors: ErrorObject[], context: string): FieldErrors {
  // a Map: field names come from the client, and "constructor" or "toString" must not meet Object.prototype
  const fields = new Map<string, string[]>();
  for (const error of errors) {
    const field = fieldOf(error);
    const message = messageFor(error);
    const list = fields.get(field) ?? [];
    if (!list.includes(message)) list.push(message);
    fields.set(field, list);
  }
  return { [locations[context] ?? context]: Object.fromEntries(fields) };
}

/**
 * Nesting depth of a JSON value, counted without recursion: a 1 MB body can nest arrays
 * hundreds of thousands deep, which would overflow the stack of any recursive walk
 * (JSON.stringify included).
 */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) deepest = depth;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return deepest;
}

/** True when any string anywhere in a JSON value (keys included) holds a NUL, which PostgreSQL cannot store. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes(NUL) || containsNul(inner)) return true;
    }
  }
  return false;
}
