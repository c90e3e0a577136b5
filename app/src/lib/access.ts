import type { FastifyRequest } from 'fastify';
import { forbidden } from './http-errors.js';

// Ownership rules of the protected mode. In open mode (seed 002's contract) `request.caller`
// is null and every check passes. A record the caller may not read is answered exactly as a
// missing one (404, same message), so ids cannot be probed for existence; only a caller who
// may read a record learns, by a 403, that it may not change it.

/** The user a non-admin caller is limited to; undefined for admins and in open mode. */
export function ownScope(request: FastifyRequest): number | undefined {
  const caller = request.caller;
  return caller && !caller.isAdmin ? caller.userId : undefined;
}

/** Users read and act on their own record (and its keys); admins on every record. */
export function mayActOnUser(request: FastifyRequest, userId: number): boolean {
  const scope = ownScope(request);
  return scope === undefined || scope === userId;
}

/** Reads of a link: its owner, or an admin. */
export function mayRead(request: FastifyRequest, ownerId: number): boolean {
  const scope = ownScope(request);
  return scope === undefined || scope === ownerId;
}

export function assertAdmin(request: FastifyRequest, action: string): void {
  if (request.caller && !request.caller.isAdmin) throw forbidden(`Only an admin's API key may ${action}.`);
}

/** A link is changed or deleted by its owner only, admins included (who may read it, hence a 403). */
export function assertOwner(request: FastifyRequest, ownerId: number, what: string): void {
  if (request.caller && request.caller.userId !== ownerId) throw forbidden(`${what} belongs to another user: only its owner may change it.`);
}
