import type { FastifyPluginAsync } from 'fastify';

const status = {
  type: 'object',
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
  required: ['status'],
} as const;

const routes: FastifyPluginAsync = async (app) => {
  // Liveness: touches nothing, so a slow database never gets the pod restarted.
  app.get('/health', { config: { public: true }, schema: { response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { public: true }, schema: { response: { 200: status, 503: status } } }, async (_request, reply) => {
    if (app.lifecycle.draining) return reply.code(503).send({ status: 'error', reason: 'shutting down' });
    try {
      await app.pg.query({ text: 'SELECT 1', query_timeout: 1000 } as never);
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'error', reason: 'database unreachable' });
    }
  });
};

export default routes;
