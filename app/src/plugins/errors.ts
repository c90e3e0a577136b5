import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isBadData, isUnavailable } from '../db/errors.js';
import { HttpError, invalid, statusText, type FieldErrors } from '../lib/http-errors.js';
import { toFieldErrors, validatorCompiler } from '../lib/validation.js';

/** Seconds a client should wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 2;

/** The one error shape: `{code, status, message | errors, request_id}`; the request id is also a header and in the logs. */
export function errorBody(code: number, message: string, requestId: string, errors?: FieldErrors) {
  return errors
    ? { code, status: statusText(code), errors, request_id: requestId }
    : { code, status: statusText(code), message, request_id: requestId };
}

export function sendError(reply: FastifyReply, code: number, message: string, errors?: FieldErrors, headers?: Record<string, string>): FastifyReply {
  reply.code(code).type('application/json; charset=utf-8').header('x-request-id', reply.request.id);
  if (code === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (headers) reply.headers(headers);
  return reply.send(errorBody(code, message, reply.request.id, errors));
}

const BODY_TOO_LARGE = 'The request body is too large.';

/** Maps every failure to the seed's JSON error shape, so no client input can produce a 5xx. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    // A path that does not parse names no resource.
    if (error.validationContext === 'params') return sendError(reply, 404, 'Not found.');
    return sendError(reply, 422, '', toFieldErrors(error.validation as never, error.validationContext ?? 'body'));
  }
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) request.log.warn({ reason: error.message }, 'request failed');
    return sendError(reply, error.statusCode, error.message, error.errors, error.headers);
  }
  // Fastify's and the multipart parser's client errors (body too large, bad length, ...)
  const status = error.statusCode ?? 500;
  if (status === 413) return sendError(reply, 413, BODY_TOO_LARGE);
  if (status >= 400 && status < 500) return sendError(reply, status, error.message);
  if ((error as { code?: string }).code === '57014') {
    request.log.warn({ reason: error.message }, 'statement timeout');
    return sendError(reply, 503, 'The query took longer than its statement timeout; narrow it with filters, or page with cursor.');
  }
  if (isUnavailable(error)) {
    request.log.warn({ reason: error.message }, 'database unavailable');
    return sendError(reply, 503, 'The database is unavailable; try again shortly.');
  }
  if (isBadData(error)) {
    request.log.info({ reason: error.message }, 'value rejected by PostgreSQL');
    return sendError(reply, 422, '', { json: { _schema: ['A value cannot be stored: ' + error.message] } });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 500, 'Internal server error.');
}

/**
 * Content-type parsers, validator, error and 404 handlers. Registered before the routes
 * and the multipart plugin, since it replaces Fastify's default parsers.
 */
export default fp(
  async (app) => {
    app.setValidatorCompiler(validatorCompiler);

    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      if ((body as string).trim() === '') return done(null, undefined);
      parseJson(request, body as string, (error, parsed) => {
        if (error) return done(invalid('json', '_schema', 'Invalid JSON.'), undefined);
        done(null, parsed);
      });
    });
    // Fastify would answer 415; the seed's clients expect a validation error instead.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      if ((body as Buffer).length === 0) return done(null, undefined);
      done(invalid('json', '_schema', 'Expected a JSON body with Content-Type: application/json.'), undefined);
    });

    app.setErrorHandler(handleError);
    app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'Not found.'));
  },
  { name: 'errors' },
);
