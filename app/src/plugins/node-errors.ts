import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import fp from 'fastify-plugin';
import { writeRawError } from '../lib/raw-error.js';
import { errorBody, sendError } from './errors.js';
import { requestId } from '../server-options.js';

const ALLOWED = 'GET, HEAD, POST, PUT, DELETE';

/**
 * Requests Node would answer on its own, with an empty body or none at all, answered in the
 * service's JSON shape with a request id instead: HTTP/1.1 without Host (Node's empty 400;
 * `requireHostHeader` is off in server-options.ts so the request reaches this hook), CONNECT
 * (Node closes the socket without a word), and an Expect other than 100-continue (Node's
 * empty 417). Malformed requests, oversized headers and slow clients are the clientError
 * handler's (server-options.ts).
 */
export default fp(
  async (app) => {
    app.requestHooks.onRequest((request, reply) => {
      const raw = request.raw;
      if (raw.headers.host !== undefined || raw.httpVersionMajor !== 1 || raw.httpVersionMinor !== 1) return false;
      reply.header('connection', 'close');
      sendError(reply, 400, 'An HTTP/1.1 request needs a Host header.');
      return true;
    });

    app.server.on('connect', (request: IncomingMessage, socket: Socket) => {
      const id = writeRawError(socket, 405, 'CONNECT is not supported: this service is not a proxy.', { Allow: ALLOWED });
      app.log.info({ reqId: id, method: 'CONNECT', url: request.url, statusCode: 405 }, 'client error');
    });

    app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
      const id = requestId(request);
      const body = JSON.stringify(errorBody(417, 'Only "Expect: 100-continue" is supported.', id));
      response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': id, connection: 'close' });
      response.end(body);
      app.log.info({ reqId: id, method: request.method, url: request.url, statusCode: 417 }, 'client error');
    });
  },
  { name: 'node-errors', dependencies: ['errors', 'request-hooks'] },
);
