import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../core/clock.ts';
import type { Role } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import type { Store } from '../core/ports/store.ts';
import { authenticateToken, callerOf } from '../control/tokens.ts';
import type { AppEnv } from './env.ts';

/** How precisely an API token's `lastUsedAt` is kept. */
export const TOKEN_LAST_USE_RESOLUTION_MS = 60_000;

/** Resolves `Authorization: Bearer gh_…` into the request's caller; 401 (with the reason's code) otherwise. */
export function authenticate(store: Store, clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (!match) throw new GatehouseError('UNAUTHENTICATED', 'Send an API token: Authorization: Bearer gh_…');
    const token = await authenticateToken(store, match[1]!, clock);
    c.set('caller', callerOf(token));
    // Last use, at most once a minute per token (a write per call would cost more than the call), never failing
    // the request: it is what tells an admin which tokens are still in use before revoking old ones.
    const now = clock.now();
    if (token.lastUsedAt === null || now - token.lastUsedAt >= TOKEN_LAST_USE_RESOLUTION_MS) {
      await store.apiTokens.recordLastUse(token.id, now).catch(() => false);
    }
    await next();
  };
}

/**
 * Who may call a route. Ownership (consumers see only their own apps, 404 otherwise) is the services' job;
 * this table only says which roles may try.
 */
export type Access =
  /** Everyone with a token (consumers get their own slice). */
  | 'any'
  /** Staff reads: admin, operator, viewer. */
  | 'staff-read'
  /** Staff writes: admin, operator. */
  | 'staff-write'
  /** Writes a consumer may make on what it owns: admin, operator, consumer. */
  | 'owner-write'
  /** Admin only (tokens, provider writes). */
  | 'admin';

export const ACCESS_ROLES: Record<Access, readonly Role[]> = {
  any: ['admin', 'operator', 'viewer', 'consumer'],
  'staff-read': ['admin', 'operator', 'viewer'],
  'staff-write': ['admin', 'operator'],
  'owner-write': ['admin', 'operator', 'consumer'],
  admin: ['admin'],
};

export function requireAccess(access: Access): MiddlewareHandler<AppEnv> {
  const allowed = ACCESS_ROLES[access];
  return async (c, next) => {
    const caller = c.get('caller');
    // Only public routes skip authentication; a role-checked route reached without a caller fails closed.
    if (!caller) throw new GatehouseError('UNAUTHENTICATED', 'Send an API token: Authorization: Bearer gh_…');
    if (!allowed.includes(caller.role)) {
      throw new GatehouseError('FORBIDDEN', `A ${caller.role} token may not do this (allowed: ${allowed.join(', ')}).`, { role: caller.role });
    }
    await next();
  };
}
