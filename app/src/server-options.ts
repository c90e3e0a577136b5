import { LogController, type FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from './config.js';
import { sendError } from './plugins/errors.js';

export const BODY_LIMIT = 1024 * 1024;

/** Fastify's constructor options, shared by the server shell and the tests. */
export function serverOptions(config: Pick<Config, 'logLevel'>, { asyncLog = false } = {}): FastifyServerOptions {
  return {
    logger: {
      level: config.logLevel,
      // The server writes stdout asynchronously: a synchronous write per request line cost
      // the redirect path about a tenth of its CPU. pino flushes what is left on exit.
      ...(asyncLog ? { stream: pino.destination({ dest: 1, sync: false }) } : {}),
      // headers (cookies, credentials) are never logged; request lines come from the request-log plugin
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    // Fastify's own request lines (two per request) are off: the request-log plugin writes one
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Drain rather than refuse: a request that reaches a keep-alive connection during
    // shutdown is still served (with Connection: close).
    return503OnClosing: false,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: (error, _request, reply) =>
      error.code === 'FST_ERR_BAD_URL' ? sendError(reply, 400, 'Malformed URL.') : sendError(reply, 404, 'Not found.'),
  };
}
