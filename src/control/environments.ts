import type { Environment, EnvironmentSettings } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { EnvironmentFilter, Page, PageRequest, Repositories } from '../core/ports/store.ts';
import { anyMatch, audit, listAll, mustGet, type Caller, type ServiceDeps, unchanged } from './context.ts';

export const DEFAULT_ENVIRONMENT_SETTINGS: EnvironmentSettings = {
  credentialLifetimeDays: 180,
  alertThresholdsDays: [60, 30, 14, 7, 1],
};

export interface EnvironmentInput {
  name: string;
  description?: string;
  settings?: Partial<EnvironmentSettings>;
  defaultProviderId?: string | null;
  providerIds?: string[];
}

export type EnvironmentPatch = Partial<EnvironmentInput>;

export class EnvironmentService {
  constructor(private readonly deps: ServiceDeps) {}

  list(_caller: Caller, filter: EnvironmentFilter = {}, page?: PageRequest): Promise<Page<Environment>> {
    return this.deps.store.environments.list(filter, page);
  }

  get(_caller: Caller, id: string): Promise<Environment> {
    return mustGet('environment', id, (i) => this.deps.store.environments.get(i));
  }

  create(caller: Caller, input: EnvironmentInput): Promise<Environment> {
    return this.deps.store.transaction(async (tx) => {
      await assertNameFree(tx, input.name, null);
      const defaultProviderId = input.defaultProviderId ?? null;
      const providerIds = await resolveProviders(tx, defaultProviderId, input.providerIds ?? []);
      const now = this.deps.clock.now();
      const env: Environment = {
        id: newId('environment', now),
        name: input.name,
        description: input.description ?? '',
        defaultProviderId,
        providerIds,
        settings: normaliseSettings({ ...DEFAULT_ENVIRONMENT_SETTINGS, ...input.settings }),
        createdAt: now,
        updatedAt: now,
      };
      await tx.environments.insert(env);
      await audit(tx, caller, now, { type: 'environment.created', entityType: 'environment', entityId: env.id, before: null, after: env });
      return env;
    });
  }

  update(caller: Caller, id: string, patch: EnvironmentPatch): Promise<Environment> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('environment', id, (i) => tx.environments.get(i));
      if (patch.name !== undefined && patch.name !== before.name) await assertNameFree(tx, patch.name, id);
      const defaultProviderId = patch.defaultProviderId !== undefined ? patch.defaultProviderId : before.defaultProviderId;
      const providerIds = await resolveProviders(tx, defaultProviderId, patch.providerIds ?? before.providerIds);
      await assertProviderChangeSafe(tx, before, defaultProviderId, providerIds);
      const after: Environment = {
        ...before,
        name: patch.name ?? before.name,
        description: patch.description ?? before.description,
        defaultProviderId,
        providerIds,
        settings: normaliseSettings({ ...before.settings, ...patch.settings }),
        updatedAt: this.deps.clock.now(),
      };
      if (unchanged(before, after)) return before;
      await tx.environments.update(after);
      await audit(tx, caller, after.updatedAt, { type: 'environment.updated', entityType: 'environment', entityId: id, before, after });
      return after;
    });
  }

  delete(caller: Caller, id: string): Promise<void> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('environment', id, (i) => tx.environments.get(i));
      const holdsApis = await anyMatch((p) => tx.apis.list({ environmentId: id }, p));
      const holdsApps = await anyMatch((p) => tx.apps.list({ environmentId: id }, p));
      if (holdsApis || holdsApps) {
        throw new GatehouseError('CONFLICT', `Environment ${before.name} still holds ${holdsApis ? 'APIs' : 'client apps'}; delete them first.`, { id });
      }
      await tx.environments.delete(id);
      await audit(tx, caller, this.deps.clock.now(), { type: 'environment.deleted', entityType: 'environment', entityId: id, before, after: null });
    });
  }
}

async function assertNameFree(tx: Repositories, name: string, selfId: string | null): Promise<void> {
  const clash = (await tx.environments.list({ name }, { limit: 2 })).items.find((e) => e.id !== selfId);
  if (clash) throw new GatehouseError('NAME_TAKEN', `An environment named "${name}" already exists (${clash.id}).`, { field: 'name' });
}

/** Every listed provider must exist; the default is always part of the list. */
async function resolveProviders(tx: Repositories, defaultProviderId: string | null, providerIds: string[]): Promise<string[]> {
  const ids = [...new Set(defaultProviderId ? [defaultProviderId, ...providerIds] : providerIds)];
  for (const id of ids) await mustGet('provider', id, (i) => tx.providers.get(i));
  return ids;
}

/**
 * An environment may not drop a provider its APIs or apps name, nor change the default under APIs and apps that
 * rely on it: their clients would silently move to another identity provider.
 */
async function assertProviderChangeSafe(tx: Repositories, before: Environment, newDefault: string | null, providerIds: string[]): Promise<void> {
  const apis = await listAll((p) => tx.apis.list({ environmentId: before.id }, p));
  const apps = await listAll((p) => tx.apps.list({ environmentId: before.id }, p));
  for (const user of [...apis, ...apps]) {
    if (user.providerId && !providerIds.includes(user.providerId)) {
      throw new GatehouseError('PROVIDER_IN_USE', `Provider ${user.providerId} is used by ${user.name} (${user.id}) in this environment.`, { providerId: user.providerId, usedBy: user.id });
    }
    if (!user.providerId && before.defaultProviderId && newDefault !== before.defaultProviderId) {
      throw new GatehouseError('PROVIDER_IN_USE', `The default provider ${before.defaultProviderId} is used by ${user.name} (${user.id}); give it an explicit provider first.`, { providerId: before.defaultProviderId, usedBy: user.id });
    }
  }
}

function normaliseSettings(settings: EnvironmentSettings): EnvironmentSettings {
  const autoRotate = settings.autoRotateDaysBeforeExpiry ?? null;
  if (autoRotate !== null && (!Number.isInteger(autoRotate) || autoRotate < 1 || autoRotate >= settings.credentialLifetimeDays)) {
    throw new GatehouseError('VALIDATION_FAILED', 'settings.autoRotateDaysBeforeExpiry: must be a whole number of days from 1 to below credentialLifetimeDays (a fresh secret would otherwise be rotated at once).', {
      errors: [{ path: 'settings.autoRotateDaysBeforeExpiry', message: 'must be 1..credentialLifetimeDays-1 or null' }],
    });
  }
  return {
    credentialLifetimeDays: settings.credentialLifetimeDays,
    alertThresholdsDays: [...new Set(settings.alertThresholdsDays)].sort((a, b) => b - a),
    // Off is stored as an absent key (same meaning as null), so settings written before this option look unchanged.
    ...(autoRotate !== null ? { autoRotateDaysBeforeExpiry: autoRotate } : {}),
  };
}
