import type { Credential } from '../core/domain.ts';
import { GatehouseError, notFound } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Page, PageRequest } from '../core/ports/store.ts';
import { generateSecret, hashSecret, secretHint } from '../core/secrets.ts';
import { DAY_MS, audit, mustGet, type Caller, type ServiceDeps } from './context.ts';
import { DEFAULT_ENVIRONMENT_SETTINGS } from './environments.ts';
import { visibleApp } from './visibility.ts';

export interface IssuedCredential {
  credential: Credential;
  clientId: string;
  /** The plaintext secret: returned to the caller once, stored nowhere (only its hash). */
  secret: string;
}

export class CredentialService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(caller: Caller, appId: string, page?: PageRequest): Promise<Page<Credential>> {
    await visibleApp(this.deps.store, caller, appId);
    return this.deps.store.credentials.list({ ownerType: 'app', ownerId: appId }, page);
  }

  /** Issues a client secret for a local-provider app. IdP-backed apps get theirs through rotation in the IdP. */
  issue(caller: Caller, appId: string, options: { expiresInDays?: number } = {}): Promise<IssuedCredential> {
    return this.deps.store.transaction(async (tx) => {
      const app = await visibleApp(tx, caller, appId);
      const env = await mustGet('environment', app.environmentId, (i) => tx.environments.get(i));
      const providerId = app.providerId ?? env.defaultProviderId;
      const provider = providerId ? await tx.providers.get(providerId) : null;
      const clientId = app.clientId;
      if (!provider || provider.kind !== 'local' || !clientId) {
        throw new GatehouseError('CONFLICT', `App ${app.name} is not a local-provider app; its secrets are managed in its identity provider.`, { appId });
      }
      const days = options.expiresInDays ?? env.settings.credentialLifetimeDays ?? DEFAULT_ENVIRONMENT_SETTINGS.credentialLifetimeDays;
      const now = this.deps.clock.now();
      const secret = generateSecret();
      const id = newId('credential', now);
      const credential: Credential = {
        id, ownerType: 'app', ownerId: app.id, kind: 'secret', keyId: id, hint: secretHint(secret), secretHash: hashSecret(secret),
        origin: 'gatehouse', state: 'active', createdAt: now, expiresAt: now + days * DAY_MS, retireAt: null, removedAt: null, lastUsedAt: null,
      };
      await tx.credentials.insert(credential);
      await audit(tx, caller, now, { type: 'credential.added', entityType: 'credential', entityId: id, before: null, after: credential });
      return { credential, clientId, secret };
    });
  }

  /** Marks the credential removed; the gateway stops accepting it with the next snapshot. */
  revoke(caller: Caller, appId: string, credentialId: string): Promise<Credential> {
    return this.deps.store.transaction(async (tx) => {
      await visibleApp(tx, caller, appId);
      const before = await tx.credentials.get(credentialId);
      if (!before || before.ownerType !== 'app' || before.ownerId !== appId) throw notFound('credential', credentialId);
      if (before.state === 'removed') {
        throw new GatehouseError('INVALID_STATE_TRANSITION', `Credential ${credentialId} is already removed.`, { state: before.state });
      }
      const now = this.deps.clock.now();
      const after: Credential = { ...before, state: 'removed', removedAt: now };
      await tx.credentials.update(after);
      await audit(tx, caller, now, { type: 'credential.removed', entityType: 'credential', entityId: credentialId, before, after });
      return after;
    });
  }
}
