import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from './config.js';
import { lazyChildLogger } from './lib/lazy-logger.js';
import { writeRawError } from './lib/raw-error.js';
import { sendError } from './plugins/errors.js';

export const BODY_LIMIT = 1024 * 1024;

// A request id sent by a proxy is kept when it is short and plain, so one id follows a
// request through the ingress and the logs; otherwise a fresh one.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Node answers some requests before Fastify sees them (bad request line, headers too large,
 * a client too slow to send its request): the same JSON error shape as every other error.
 */
function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_CONTENT_LENGTH_TOO_LARGE' ? 413 : 400;
  const message =
    code === 408
      ? 'The request was not received in time.'
      : code === 431
        ? 'The request headers are too large.'
        : code === 413
          ? 'The request body is too large.'
          : 'Malformed HTTP request.';
  const id = writeRawError(socket, code, message);
  this.log.info({ reqId: id, reason: error.code ?? error.message, statusCode: code }, 'client error');
}

/**
 * stdout, written asynchronously (one write(2) per line cost the redirect path a tenth of its
 * CPU). Lines gather in a string and go to sonic-boom as one Buffer per 64 KiB, or every 250 ms
 * so a quiet service's lines are not held: encoding each line on its own and handing it over
 * cost a cached redirect a microsecond. (In its string mode sonic-boom measures the whole
 * pending batch again for every line.) What is left goes out synchronously on exit, before
 * pino's own flush of the stream.
 */
function logStream(): { write(line: string): void } {
  const stream = pino.destination({ dest: 1, sync: false, contentMode: 'buffer' });
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    // (sonic-boom's types declare strings only; its buffer mode takes Buffers)
    stream.write(Buffer.from(pending) as never);
    pending = '';
  };
  setInterval(flush, 250).unref();
  process.prependListener('beforeExit', flush);
  process.prependListener('exit', flush);
  return {
    write(line) {
      pending += line;
      if (pending.length >= 65_536) flush();
    },
  };
}

type HttpSettings = Pick<Config, 'logLevel'> & Partial<Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'trustProxyHops'>>;

/** Fastify's constructor options, shared by the server shell and the tests. */
export function serverOptions(config: HttpSettings, { asyncLog = false } = {}): FastifyServerOptions {
  const headersTimeout = config.headersTimeoutMs ?? 5000;
  const options: FastifyServerOptions & { http: object } = {
    logger: {
      level: config.logLevel,
      // pino flushes what is left on exit
      ...(asyncLog ? { stream: logStream() } : {}),
      // headers (cookies, credentials) are never logged; request lines come from the request-log plugin
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    // Fastify's own request lines (two per request) are off: the request-log plugin writes one
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    genReqId: requestId,
    // request.ip is the client's address when proxies (the ingress) are trusted by hop count
    ...(config.trustProxyHops ? { trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops! } : {}),
    bodyLimit: BODY_LIMIT,
    // Drain rather than refuse: a request that reaches a keep-alive connection during
    // shutdown is still served (with Connection: close).
    return503OnClosing: false,
    // Slow clients: headers within headersTimeout, the whole request within requestTimeout.
    // Node checks both only every connectionsCheckingInterval (30 s by default): check each second.
    requestTimeout: config.requestTimeoutMs ?? 10_000,
    // (Fastify hands `http` to http.createServer; its types only declare it for HTTP/2)
    // Node's own answer to an HTTP/1.1 request without Host is an empty 400: the node-errors
    // plugin gives it the JSON shape instead.
    http: { headersTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout), requireHostHeader: false },
    clientErrorHandler,
    keepAliveTimeout: 72_000,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: (error, _request, reply) =>
      error.code === 'FST_ERR_BAD_URL' ? sendError(reply, 400, 'Malformed URL.') : sendError(reply, 404, 'Not found.'),
  };
  return options;
}
