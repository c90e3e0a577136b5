import fp from 'fastify-plugin';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from '../lib/request-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: { registry: Registry };
  }
}

/**
 * One registry per app instance (tests build several), with the HTTP metrics and the
 * process metrics. Other plugins register their own metrics on `app.metrics.registry`.
 */
export default fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });

    const requests = new RequestMetrics(
      registry,
      {
        count: 'http_requests_total',
        countHelp: 'HTTP requests by method, route pattern and status code',
        duration: 'http_request_duration_seconds',
        durationHelp: 'HTTP request latency by method, route pattern and status code',
      },
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    );
    let inFlight = 0;
    new Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests being handled',
      registers: [registry],
      collect() {
        this.set(inFlight);
      },
    });

    app.decorate('metrics', { registry });
    app.requestHooks.onRequest(() => {
      inFlight++;
    });
    app.requestHooks.onResponse((request, reply, { route, elapsedMs }) => {
      inFlight--;
      // the route pattern, never the raw path, so short codes do not explode the label set
      requests.observe(requests.seriesFor(route, request.method, reply.statusCode), elapsedMs / 1000);
    });
  },
  { name: 'metrics', dependencies: ['request-hooks'] },
);
