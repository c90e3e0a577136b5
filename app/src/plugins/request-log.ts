import fp from 'fastify-plugin';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A redirect route: its successful answers are logged only with LOG_REDIRECTS=true. */
    redirect?: boolean;
  }
}

/** One JSON line per request (Fastify's own request logging is off: it writes two). */
export default fp<{ config: Pick<Config, 'logRedirects'> }>(
  async (app, { config }) => {
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions;
      // every redirect is a row in the events table already (see Config.logRedirects)
      if (!config.logRedirects && reply.statusCode < 400 && route.config?.redirect) return done();
      request.log.info(
        {
          method: request.method,
          route: route.url ?? 'unmatched',
          url: request.url,
          statusCode: reply.statusCode,
          responseTime: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
      done();
    });
  },
  { name: 'request-log' },
);
