import type { FastifyReply } from 'fastify';
import { setNextCursor } from '../lib/paging.js';

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

// A cached list page is stored as "<next cursor>\n<json>", so a hit restores the header too.

export function sendListHit(reply: FastifyReply, cached: string): FastifyReply {
  const newline = cached.indexOf('\n');
  if (newline === -1) return sendHit(reply, cached); // stored by an older release
  const cursor = cached.slice(0, newline);
  setNextCursor(reply, cursor === '' ? undefined : Number(cursor));
  return sendHit(reply, cached.slice(newline + 1));
}

export function sendListMiss(reply: FastifyReply, rows: unknown[], cursor: number | undefined, store: (value: string) => void): FastifyReply {
  setNextCursor(reply, cursor);
  return sendMiss(reply, rows, (json) => store(`${cursor ?? ''}\n${json}`));
}
