import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import auth from './plugins/auth.js';
import cache from './plugins/cache.js';
import db from './plugins/db.js';
import errors from './plugins/errors.js';
import lifecycle from './plugins/lifecycle.js';
import metrics from './plugins/metrics.js';
import nodeErrors from './plugins/node-errors.js';
import rateLimit from './plugins/rate-limit.js';
import redirectEvents from './plugins/redirect-events.js';
import repositories from './plugins/repositories.js';
import requestHooks from './plugins/request-hooks.js';
import requestLog from './plugins/request-log.js';
import apiKeyRoutes from './routes/api-keys.js';
import eventRoutes from './routes/events.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import redirectRoutes from './routes/redirect.js';
import urlRoutes from './routes/urls.js';
import userImportRoutes from './routes/users-import.js';
import userRoutes from './routes/users.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface AppOptions {
  config: Config;
}

/** The URL shortener as a plugin: external clients first, then app plugins, then routes. */
async function urlShortener(app: FastifyInstance, { config }: AppOptions): Promise<void> {
  app.decorate('config', config);

  await app.register(requestHooks);
  await app.register(lifecycle);
  await app.register(errors);
  await app.register(metrics);
  await app.register(nodeErrors);
  await app.register(requestLog, { config });
  await app.register(db, { config });
  await app.register(cache, { config });
  await app.register(redirectEvents, { config });
  await app.register(repositories);
  await app.register(rateLimit, { config });
  await app.register(auth, { config });

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(userRoutes);
  await app.register(userImportRoutes);
  await app.register(apiKeyRoutes);
  await app.register(urlRoutes);
  await app.register(eventRoutes);
  await app.register(redirectRoutes);
}

export default fp(urlShortener, { name: 'url-shortener' });
