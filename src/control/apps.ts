import { randomBytes } from 'node:crypto';
import type { ClientApp, Environment } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { AppFilter, Page, PageRequest, Repositories } from '../core/ports/store.ts';
import { audit, isStaff, listAll, mustGet, type Caller, type ServiceDeps, unchanged } from './context.ts';
import { visibleApp } from './visibility.ts';
import { onAppDeleted } from './onboarding-triggers.ts';

export interface AppInput {
  environmentId: string;
  name: string;
  description?: string;
  ownerContacts?: string[];
  providerId?: string | null;
  /** Staff only; a consumer's app is always owned by the consumer's subject. */
  ownerSubject?: string | null;
}

export interface AppPatch {
  name?: string;
  description?: string;
  ownerContacts?: string[];
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Local-provider client id: `cli_` + 24 base32 chars (120 random bits): not a secret, but not guessable either. */
export function newLocalClientId(): string {
  let out = 'cli_';
  for (const b of randomBytes(24)) out += BASE32[b % 32];
  return out;
}

export class AppService {
  constructor(private readonly deps: ServiceDeps) {}

  list(caller: Caller, filter: AppFilter = {}, page?: PageRequest): Promise<Page<ClientApp>> {
    if (isStaff(caller)) return this.deps.store.apps.list(filter, page);
    // A consumer's filter narrows its own apps; asking for someone else's subject finds nothing.
    if (filter.ownerSubject !== undefined && filter.ownerSubject !== caller.subject) return Promise.resolve({ items: [], nextCursor: null });
    return this.deps.store.apps.list({ ...filter, ownerSubject: caller.subject }, page);
  }

  get(caller: Caller, id: string): Promise<ClientApp> {
    return visibleApp(this.deps.store, caller, id);
  }

  create(caller: Caller, input: AppInput): Promise<ClientApp> {
    if (!isStaff(caller) && input.ownerSubject !== undefined) {
      throw new GatehouseError('FORBIDDEN', 'Only admin and operator tokens may set ownerSubject; your apps are owned by your token subject.', { field: 'ownerSubject' });
    }
    return this.deps.store.transaction(async (tx) => {
      const env = await mustGet('environment', input.environmentId, (i) => tx.environments.get(i));
      const providerId = input.providerId ?? null;
      const provider = await effectiveProvider(tx, env, providerId);
      await assertNameFree(tx, env.id, input.name, null);
      const now = this.deps.clock.now();
      const app: ClientApp = {
        id: newId('app', now),
        environmentId: env.id,
        name: input.name,
        description: input.description ?? '',
        ownerContacts: input.ownerContacts ?? [],
        ownerSubject: isStaff(caller) ? (input.ownerSubject ?? null) : caller.subject,
        providerId,
        // IdP-registered apps get their client id from the IdP when onboarding registers them.
        clientId: provider.kind === 'local' ? newLocalClientId() : null,
        registration: null,
        createdAt: now,
        updatedAt: now,
      };
      await tx.apps.insert(app);
      await audit(tx, caller, now, { type: 'app.created', entityType: 'app', entityId: app.id, before: null, after: app });
      return app;
    });
  }

  update(caller: Caller, id: string, patch: AppPatch): Promise<ClientApp> {
    return this.deps.store.transaction(async (tx) => {
      const before = await visibleApp(tx, caller, id);
      if (patch.name !== undefined && patch.name !== before.name) await assertNameFree(tx, before.environmentId, patch.name, id);
      const after: ClientApp = {
        ...before,
        name: patch.name ?? before.name,
        description: patch.description ?? before.description,
        ownerContacts: patch.ownerContacts ?? before.ownerContacts,
        updatedAt: this.deps.clock.now(),
      };
      if (unchanged(before, after)) return before;
      await tx.apps.update(after);
      await audit(tx, caller, after.updatedAt, { type: 'app.updated', entityType: 'app', entityId: id, before, after });
      return after;
    });
  }

  /**
   * Deletes the app: approved contracts are revoked, requested ones rejected, live credentials removed (each with
   * its own audit event, so the log tells the whole story), then the app row goes.
   */
  delete(caller: Caller, id: string): Promise<void> {
    return this.deps.store.transaction(async (tx) => {
      const before = await visibleApp(tx, caller, id);
      const now = this.deps.clock.now();
      for (const contract of await listAll((p) => tx.contracts.list({ appId: id }, p))) {
        if (contract.state !== 'requested' && contract.state !== 'approved') continue;
        const state = contract.state === 'approved' ? 'revoked' : 'rejected';
        const after = { ...contract, state, decidedBy: caller.actor, reason: 'app deleted', updatedAt: now } as const;
        await tx.contracts.update(after);
        await audit(tx, caller, now, { type: `contract.${state}`, entityType: 'contract', entityId: contract.id, before: contract, after });
      }
      for (const credential of await listAll((p) => tx.credentials.list({ ownerType: 'app', ownerId: id, states: ['active', 'retiring'] }, p))) {
        const after = { ...credential, state: 'removed' as const, removedAt: now };
        await tx.credentials.update(after);
        await audit(tx, caller, now, { type: 'credential.removed', entityType: 'credential', entityId: credential.id, before: credential, after });
      }
      await onAppDeleted(tx, now, before);
      await tx.apps.delete(id);
      await audit(tx, caller, now, { type: 'app.deleted', entityType: 'app', entityId: id, before, after: null });
    });
  }
}

/** The provider an app uses: its own, or the environment's default. Apps cannot exist without one. */
async function effectiveProvider(tx: Repositories, env: Environment, providerId: string | null) {
  const id = providerId ?? env.defaultProviderId;
  if (!id) {
    throw new GatehouseError('CONFLICT', `Environment ${env.name} has no default provider; give providerId or configure the environment first.`, { field: 'providerId' });
  }
  const provider = await mustGet('provider', id, (i) => tx.providers.get(i));
  if (!env.providerIds.includes(id)) {
    throw new GatehouseError('CONFLICT', `Provider ${provider.name} is not enabled in environment ${env.name}.`, { field: 'providerId' });
  }
  return provider;
}

async function assertNameFree(tx: Repositories, environmentId: string, name: string, selfId: string | null): Promise<void> {
  const clash = (await listAll((p) => tx.apps.list({ environmentId }, p))).find((a) => a.name === name && a.id !== selfId);
  if (clash) throw new GatehouseError('NAME_TAKEN', `An app named "${name}" already exists in this environment.`, { field: 'name' });
}
