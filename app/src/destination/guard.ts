import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { HttpError, invalid } from '../lib/http-errors.js';
import { addressResolver, ResolutionUnavailable } from './resolve.js';
import { checkDestination, type DestinationRules } from './rules.js';

/** Checks a link's target for a route: 422 on `original_url` when refused, 503 when the resolver cannot answer. */
export type DestinationGuard = (target: string | undefined, request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function destinationGuard(app: FastifyInstance): DestinationGuard {
  const { config } = app;
  const rules: DestinationRules = {
    denyDomains: config.destinationDenyDomains,
    allowDomains: config.destinationAllowDomains,
    homographs: config.destinationHomographs,
    resolve: config.destinationResolver ? addressResolver(config.destinationResolver, config.destinationResolveTimeoutMs) : undefined,
  };
  const registers = [app.metrics.registry];
  const refused = new Counter({ name: 'destinations_refused_total', help: 'Link targets refused, by rule', labelNames: ['rule'], registers });
  const flagged = new Counter({ name: 'destinations_flagged_total', help: 'Link targets accepted but flagged, by rule', labelNames: ['rule'], registers });

  return async (target, request, reply) => {
    if (target === undefined) return;
    let verdict;
    try {
      verdict = await checkDestination(target, rules);
    } catch (error) {
      if (!(error instanceof ResolutionUnavailable)) throw error;
      request.log.warn({ reason: error.message }, 'destination could not be resolved');
      throw new HttpError(503, `The destination could not be checked: ${error.message}. Try again shortly.`);
    }
    if (verdict.refusal) {
      refused.inc({ rule: verdict.refusal.rule });
      throw invalid('json', 'original_url', verdict.refusal.message);
    }
    if (verdict.flags.length > 0) {
      for (const rule of verdict.flags) flagged.inc({ rule });
      request.log.warn({ target, flags: verdict.flags }, 'destination accepted but flagged');
      reply.header('x-destination-flags', verdict.flags.join(', '));
    }
  };
}
