import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by the server shell on SIGTERM: /ready answers 503 from then on. */
    lifecycle: { draining: boolean };
  }
}

/**
 * While draining, every response closes its connection. Node's server.close() only reaps
 * connections idle at that moment; a keep-alive connection whose request was in flight
 * would otherwise stay open and hold the shutdown until the grace period runs out.
 *
 * Requests that arrive while draining are marked here, when they arrive; those already in
 * flight when draining starts are marked by the server shell (ConnectionDrainer.closeInFlight).
 * An onSend hook did both, but cost every redirect Fastify's onSend phase.
 */
export default fp(
  async (app) => {
    const lifecycle = { draining: false };
    app.decorate('lifecycle', lifecycle);
    app.requestHooks.onRequest((_request, reply) => {
      if (lifecycle.draining) reply.header('connection', 'close');
    });
  },
  { name: 'lifecycle', dependencies: ['request-hooks'] },
);
