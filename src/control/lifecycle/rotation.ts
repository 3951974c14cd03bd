import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { ClientApp, Credential, Environment, Provider } from '../../core/domain.ts';
import { GatehouseError, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { hashSecret } from '../../core/secrets.ts';
import { audit, DAY_MS, listAll, mustGet, type Caller } from '../context.ts';
import { visibleApp } from '../visibility.ts';
import type { LifecycleDeps } from './deps.ts';
import { createSecretDelivery, DEFAULT_DELIVERY_TTL_MS, type SecretDeliveryLink } from './secret-delivery.ts';
import { resolveSecretBackend } from './secret-backend.ts';

export const DEFAULT_GRACE_DAYS = 7;
const DEFAULT_LIFETIME_DAYS = 180;

export interface RotationInput {
  appId: string;
  /** How long the replaced secret keeps working, 0..365 whole days (default 7). */
  graceDays?: number;
  /** `inline` returns the secret in the result; `link` returns a one-time delivery link instead. */
  delivery?: 'inline' | 'link';
  /** Lifetime of a delivery link (default 72 hours). */
  deliveryTtlMs?: number;
  /** Rotate only this credential; default: every active secret of the app. */
  credentialId?: string;
}

type PublicCredential = Omit<Credential, 'secretHash'>;

export interface RotationResult {
  credential: PublicCredential;
  clientId: string | null;
  /** The credentials now retiring, each with its `retireAt`. */
  retiring: PublicCredential[];
  /** Present only for `delivery: 'inline'`: shown this once. */
  secret?: string;
  /** Present only for `delivery: 'link'`. */
  delivery?: SecretDeliveryLink;
}

/**
 * Rotates an app's secret without downtime: adds the new secret first (in the IdP, or locally), then — in one
 * transaction with its audit events — records it and marks the old ones retiring until now + grace. The gateway
 * accepts active and retiring unexpired secrets, so clients switch at their own pace; the sweeper (or
 * finishRotation) removes the old ones. If recording fails after an IdP secret was added, that secret is removed
 * again (best effort), so no unknown secret is left behind.
 */
export async function rotateCredential(deps: LifecycleDeps, caller: Caller, input: RotationInput): Promise<RotationResult> {
  const graceDays = input.graceDays ?? DEFAULT_GRACE_DAYS;
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > 365) {
    throw new GatehouseError('VALIDATION_FAILED', 'graceDays: must be a whole number of days from 0 to 365.', { errors: [{ path: 'graceDays', message: 'must be 0..365' }] });
  }
  const mode = input.delivery ?? 'inline';
  if (mode !== 'inline' && mode !== 'link') {
    throw new GatehouseError('VALIDATION_FAILED', 'delivery: must be "inline" or "link".', { errors: [{ path: 'delivery', message: 'must be inline or link' }] });
  }
  const { store } = deps;
  const app = await visibleApp(store, caller, input.appId);
  const env = await mustGet('environment', app.environmentId, (id) => store.environments.get(id));
  const provider = await providerOf(deps, app, env);
  const toRetire = await credentialsToRetire(deps, app, input.credentialId);

  const backend = await resolveSecretBackend(provider, deps.secretBackendFor, deps.clock);
  const objectId = app.registration?.objectId ?? app.id;
  const now = deps.clock.now();
  const credentialId = newId('credential', now);
  const lifetimeDays = env.settings.credentialLifetimeDays || DEFAULT_LIFETIME_DAYS;
  const issued = await backend.addSecret(objectId, { displayName: `gatehouse:${credentialId}`, expiresAt: now + lifetimeDays * DAY_MS });

  const isLocal = provider.kind === 'local';
  const credential: Credential = {
    id: isLocal ? issued.keyId : credentialId,
    ownerType: 'app', ownerId: app.id, kind: 'secret', keyId: issued.keyId, hint: issued.hint,
    secretHash: isLocal ? hashSecret(issued.secret) : null,
    origin: 'gatehouse', state: 'active', createdAt: now, expiresAt: issued.expiresAt, retireAt: null, removedAt: null, lastUsedAt: null,
  };

  try {
    // The link is written first: if recording the credential then fails, the link decrypts to a secret that never worked.
    const delivery = mode === 'link'
      ? await createSecretDelivery(deps, { appId: app.id, credentialId: credential.id, secret: issued.secret, ttlMs: input.deliveryTtlMs ?? DEFAULT_DELIVERY_TTL_MS })
      : undefined;
    const retiring = await store.transaction(async (tx) => {
      await tx.credentials.insert(credential);
      await audit(tx, caller, now, {
        type: 'credential.added', entityType: 'credential', entityId: credential.id, before: null, after: credential,
        idpActivity: provider.kind === 'entra' ? ENTRA_ACTIVITY.addPassword : null,
      });
      const done: Credential[] = [];
      for (const old of toRetire) {
        const current = await tx.credentials.get(old.id);
        if (!current || current.state !== 'active') continue; // changed since we looked: leave it
        const after: Credential = { ...current, state: 'retiring', retireAt: now + graceDays * DAY_MS };
        await tx.credentials.update(after);
        await audit(tx, caller, now, { type: 'credential.retiring', entityType: 'credential', entityId: after.id, before: current, after });
        done.push(after);
      }
      return done;
    });
    return {
      credential: withoutHash(credential),
      clientId: app.clientId,
      retiring: retiring.map(withoutHash),
      ...(mode === 'inline' ? { secret: issued.secret } : { delivery: delivery! }),
    };
  } catch (error) {
    if (!isLocal) await backend.removeSecret(objectId, issued.keyId).catch(() => {});
    throw error;
  }
}

async function providerOf(deps: LifecycleDeps, app: ClientApp, env: Environment): Promise<Provider> {
  const providerId = app.providerId ?? env.defaultProviderId;
  const provider = providerId ? await deps.store.providers.get(providerId) : null;
  if (!provider) throw new GatehouseError('CONFLICT', `App ${app.name} has no provider; configure the environment's default provider first.`, { appId: app.id });
  if (provider.kind !== 'local' && !app.registration?.objectId) {
    throw new GatehouseError('CONFLICT', `App ${app.name} is not registered in its identity provider yet; wait for onboarding to finish.`, { appId: app.id });
  }
  return provider;
}

async function credentialsToRetire(deps: LifecycleDeps, app: ClientApp, credentialId: string | undefined): Promise<Credential[]> {
  const active = await listAll((p) => deps.store.credentials.list({ ownerType: 'app', ownerId: app.id, states: ['active'] }, p));
  const secrets = active.filter((c) => c.kind === 'secret');
  if (credentialId === undefined) return secrets;
  const one = secrets.find((c) => c.id === credentialId);
  if (!one) throw new GatehouseError('INVALID_STATE_TRANSITION', `Credential ${credentialId} is not an active secret of app ${app.name}.`, { credentialId });
  return [one];
}

export function withoutHash(c: Credential): PublicCredential {
  const { secretHash: _hidden, ...rest } = c;
  return rest;
}

/** How far past now a grace window may be extended: long enough to ship a deployment, short enough not to become a second key. */
export const MAX_GRACE_EXTENSION_DAYS = 30;

export interface GraceExtensionInput {
  appId: string;
  credentialId: string;
  /** Whole days added to the current `retireAt`, 1..30. */
  days: number;
}

/**
 * Keeps a retiring secret working longer (`POST /v1/apps/{appId}/credentials/{credentialId}/extend-grace`): moves its
 * `retireAt` later by `days`, at most MAX_GRACE_EXTENSION_DAYS past now and never past the secret's own expiry (the
 * IdP refuses it then anyway). Audited as `credential.retiring` with the new `retireAt`, in the same transaction.
 * Staff only (the route): it prolongs a secret the owner may believe replaced.
 */
export async function extendGrace(deps: LifecycleDeps, caller: Caller, input: GraceExtensionInput): Promise<PublicCredential> {
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > MAX_GRACE_EXTENSION_DAYS) {
    throw new GatehouseError('VALIDATION_FAILED', `days: must be a whole number of days from 1 to ${MAX_GRACE_EXTENSION_DAYS}.`, {
      errors: [{ path: 'days', message: `must be 1..${MAX_GRACE_EXTENSION_DAYS}` }],
    });
  }
  const app = await visibleApp(deps.store, caller, input.appId);
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const before = await tx.credentials.get(input.credentialId);
    if (!before || before.ownerType !== 'app' || before.ownerId !== app.id) throw notFound('credential', input.credentialId);
    if (before.state !== 'retiring' || before.retireAt === null || before.retireAt <= now) {
      throw new GatehouseError('INVALID_STATE_TRANSITION',
        `Credential ${before.id} is ${before.state === 'retiring' ? 'past its grace window' : before.state}; only a retiring credential inside its grace window can be extended.`,
        { state: before.state });
    }
    const retireAt = before.retireAt + input.days * DAY_MS;
    const limit = Math.min(now + MAX_GRACE_EXTENSION_DAYS * DAY_MS, before.expiresAt ?? Infinity);
    if (retireAt > limit) {
      const why = before.expiresAt !== null && before.expiresAt < now + MAX_GRACE_EXTENSION_DAYS * DAY_MS ? 'the secret expires' : `${MAX_GRACE_EXTENSION_DAYS} days from now`;
      throw new GatehouseError('VALIDATION_FAILED', `days: the grace window may not end after ${new Date(limit).toISOString()} (${why}).`, {
        errors: [{ path: 'days', message: `ends after ${new Date(limit).toISOString()}` }],
      });
    }
    const after: Credential = { ...before, retireAt };
    await tx.credentials.update(after);
    await audit(tx, caller, now, { type: 'credential.retiring', entityType: 'credential', entityId: after.id, before, after });
    return withoutHash(after);
  });
}
