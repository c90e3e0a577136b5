import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    requestHooks: RequestHooks;
  }
}

/** Runs when a request arrives; returns true when it answered the request itself (the rest is skipped). */
export type OnRequest = (request: FastifyRequest, reply: FastifyReply) => boolean | void;
/** Runs once the response is sent. */
export type OnResponse = (request: FastifyRequest, reply: FastifyReply) => void;

export interface RequestHooks {
  onRequest(hook: OnRequest): void;
  onResponse(hook: OnResponse): void;
}

/**
 * One Fastify hook per phase for every plugin that needs one on each request (metrics, the
 * request log, Node's own answers). Fastify's hook runner costs about a microsecond per hook
 * beyond the first of a phase, on a redirect that costs twenty: each plugin adds its function
 * here instead, and they run in the order they were added.
 */
export default fp(
  async (app) => {
    const arrived: OnRequest[] = [];
    const answered: OnResponse[] = [];
    app.decorate('requestHooks', {
      onRequest: (hook) => void arrived.push(hook),
      onResponse: (hook) => void answered.push(hook),
    } satisfies RequestHooks);
    app.addHook('onRequest', (request, reply, done) => {
      for (const hook of arrived) if (hook(request, reply) === true) return;
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      for (const hook of answered) hook(request, reply);
      done();
    });
  },
  { name: 'request-hooks' },
);
