import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    requestHooks: RequestHooks;
  }
}

/** Runs when a request arrives; returns true when it answered the request itself (the rest is skipped). */
export type OnRequest = (request: FastifyRequest, reply: FastifyReply) => boolean | void;
/** What every onResponse function needs about the request, read once. */
export interface Answered {
  /** the route pattern, `unmatched` when no route matched */
  route: string;
  config: FastifyContextConfig | undefined;
  /** from the request's arrival to the response's last byte */
  elapsedMs: number;
}

/** Runs once the response is sent. */
export type OnResponse = (request: FastifyRequest, reply: FastifyReply, answered: Answered) => void;

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
      // request.routeOptions builds an object of twelve fields on every read, and reply.elapsedTime reads the clock
      const route = request.routeOptions;
      const facts: Answered = { route: route.url ?? 'unmatched', config: route.config, elapsedMs: reply.elapsedTime };
      for (const hook of answered) hook(request, reply, facts);
      done();
    });
  },
  { name: 'request-hooks' },
);
