import { systemClock, type Clock } from '../core/clock.ts';
import type { ApiToken, Role } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { ApiTokenFilter, Page, PageRequest, Repositories, Store } from '../core/ports/store.ts';
import { generateSecret, hashSecret } from '../core/secrets.ts';
import { DAY_MS, audit, listAll, mustGet, type Caller, type ServiceDeps } from './context.ts';

export const TOKEN_PREFIX = 'gh_';
/** A token with no explicit lifetime lasts this long: long enough for automation, short enough that leaks age out. */
export const DEFAULT_TOKEN_LIFETIME_DAYS = 90;
export const BOOTSTRAP_TOKEN_LIFETIME_MS = DAY_MS;

export interface TokenInput {
  name: string;
  role: Role;
  /** Who the token acts as; consumers own apps under it. Default: the token's name. */
  subject?: string;
  expiresInDays?: number;
}

export interface IssuedToken {
  token: ApiToken;
  /** `gh_…`, shown once. */
  secret: string;
}

export class TokenService {
  constructor(private readonly deps: ServiceDeps) {}

  list(_caller: Caller, filter: ApiTokenFilter = {}, page?: PageRequest): Promise<Page<ApiToken>> {
    return this.deps.store.apiTokens.list(filter, page);
  }

  /** The token the caller authenticated with (`GET /v1/me`): any role may read its own token's metadata. */
  self(caller: Caller): Promise<ApiToken> {
    return mustGet('token', caller.actor, (i) => this.deps.store.apiTokens.get(i));
  }

  get(_caller: Caller, id: string): Promise<ApiToken> {
    return mustGet('token', id, (i) => this.deps.store.apiTokens.get(i));
  }

  create(caller: Caller, input: TokenInput): Promise<IssuedToken> {
    return this.deps.store.transaction((tx) => {
      const now = this.deps.clock.now();
      const expiresAt = now + (input.expiresInDays ?? DEFAULT_TOKEN_LIFETIME_DAYS) * DAY_MS;
      return issue(tx, caller, now, { name: input.name, role: input.role, subject: input.subject ?? input.name, expiresAt });
    });
  }

  revoke(caller: Caller, id: string): Promise<ApiToken> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('token', id, (i) => tx.apiTokens.get(i));
      if (before.revokedAt !== null) throw new GatehouseError('INVALID_STATE_TRANSITION', `Token ${id} is already revoked.`);
      const after: ApiToken = { ...before, revokedAt: this.deps.clock.now() };
      await tx.apiTokens.update(after);
      await audit(tx, caller, after.revokedAt!, { type: 'token.revoked', entityType: 'token', entityId: id, before, after });
      return after;
    });
  }
}

async function issue(tx: Repositories, caller: Caller, now: number, fields: Pick<ApiToken, 'name' | 'role' | 'subject' | 'expiresAt'>): Promise<IssuedToken> {
  const secret = generateSecret(TOKEN_PREFIX);
  const token: ApiToken = {
    id: newId('apiToken', now), ...fields, tokenHash: hashSecret(secret), createdAt: now, revokedAt: null, lastUsedAt: null,
  };
  await tx.apiTokens.insert(token);
  await audit(tx, caller, now, { type: 'token.created', entityType: 'token', entityId: token.id, before: null, after: token });
  return { token, secret };
}

const isUsableAdmin = (t: ApiToken, now: number) => t.role === 'admin' && t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now);

/**
 * First start (or lost access): when no usable admin token exists, creates one named 'bootstrap' that expires in
 * 24 h and returns its plaintext for the operator to copy once; otherwise returns null.
 */
export async function ensureBootstrapToken(store: Store, clock: Clock = systemClock): Promise<string | null> {
  return store.transaction(async (tx) => {
    const now = clock.now();
    const tokens = await listAll((p) => tx.apiTokens.list({}, p));
    if (tokens.some((t) => isUsableAdmin(t, now))) return null;
    const bootstrap: Caller = { actor: 'bootstrap', role: 'admin', subject: 'bootstrap' };
    const issued = await issue(tx, bootstrap, now, { name: 'bootstrap', role: 'admin', subject: 'bootstrap', expiresAt: now + BOOTSTRAP_TOKEN_LIFETIME_MS });
    return issued.secret;
  });
}

/** Resolves a presented bearer token; the error says why it was refused without echoing it. */
export async function authenticateToken(store: Store, presented: string, clock: Clock = systemClock): Promise<ApiToken> {
  if (!presented.startsWith(TOKEN_PREFIX)) throw new GatehouseError('UNAUTHENTICATED', 'The bearer token is not a Gatehouse API token (gh_…).');
  const token = await store.apiTokens.getByHash(hashSecret(presented));
  if (!token) throw new GatehouseError('UNAUTHENTICATED', 'The API token is not known.');
  if (token.revokedAt !== null) throw new GatehouseError('TOKEN_REVOKED', `API token ${token.id} was revoked.`);
  if (token.expiresAt !== null && token.expiresAt <= clock.now()) throw new GatehouseError('TOKEN_EXPIRED', `API token ${token.id} has expired.`);
  return token;
}

export function callerOf(token: ApiToken): Caller {
  return { actor: token.id, role: token.role, subject: token.subject };
}
