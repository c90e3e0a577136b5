import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type pino from 'pino';
import type { Config } from '../config.js';
import { requestLineWriter } from '../lib/request-line.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A redirect route: its successful answers are logged only with LOG_REDIRECTS=true. */
    redirect?: boolean;
  }
}

/** One JSON line per request (Fastify's own request logging is off: it writes two). */
export default fp<{ config: Pick<Config, 'logRedirects'> }>(
  async (app, { config }) => {
    const write = requestLineWriter(app.log as FastifyBaseLogger as pino.Logger);
    app.requestHooks.onResponse((request, reply, { route, config: routeConfig, elapsedMs }) => {
      // every redirect is a row in the events table already (see Config.logRedirects)
      if (!config.logRedirects && reply.statusCode < 400 && routeConfig?.redirect) return;
      write(request.id, request.method, route, request.url, reply.statusCode, Math.round(elapsedMs * 100) / 100);
    });
  },
  { name: 'request-log', dependencies: ['request-hooks'] },
);
