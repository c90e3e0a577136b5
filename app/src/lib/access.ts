import type { FastifyRequest } from 'fastify';
import { forbidden } from './http-errors.js';

// Ownership rules of the protected mode. In open mode (seed 002's contract) `request.caller`
// is null and every check passes.

/** The user a non-admin caller is limited to; undefined for admins and in open mode. */
export function ownScope(request: FastifyRequest): number | undefined {
  const caller = request.caller;
  return caller && !caller.isAdmin ? caller.userId : undefined;
}

/** Users may act on their own record (and its keys); admins on every record. */
export function assertSelfOrAdmin(request: FastifyRequest, userId: number): void {
  const scope = ownScope(request);
  if (scope !== undefined && scope !== userId) throw forbidden(`User ${userId} is not yours: an API key acts on its own user only.`);
}

export function assertAdmin(request: FastifyRequest, action: string): void {
  if (request.caller && !request.caller.isAdmin) throw forbidden(`Only an admin's API key may ${action}.`);
}

/** A link is changed or deleted by its owner only, admins included. */
export function assertOwner(request: FastifyRequest, ownerId: number, what: string): void {
  if (request.caller && request.caller.userId !== ownerId) throw forbidden(`${what} belongs to another user: only its owner may change it.`);
}

/** Reads of a link: its owner, or an admin. */
export function assertReadable(request: FastifyRequest, ownerId: number, what: string): void {
  const scope = ownScope(request);
  if (scope !== undefined && scope !== ownerId) throw forbidden(`${what} belongs to another user.`);
}
