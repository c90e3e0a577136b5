import type { FastifyReply } from 'fastify';

// Cached bodies are stored already serialized, so a hit skips serialization entirely.

const JSON_TYPE = 'application/json; charset=utf-8';

export function sendHit(reply: FastifyReply, json: string): FastifyReply {
  return reply.header('x-cache', 'HIT').type(JSON_TYPE).send(json);
}

/** Serializes with the route's response schema, hands the JSON to `store`, and sends it. */
export function sendMiss(reply: FastifyReply, payload: unknown, store: (json: string) => void): FastifyReply {
  const json = reply.serialize(payload) as string;
  store(json);
  return reply.header('x-cache', 'MISS').type(JSON_TYPE).send(json);
}
