import type { Provider, ProviderKind } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Page, PageRequest, ProviderFilter, Repositories } from '../core/ports/store.ts';
import { anyMatch, audit, listAll, mustGet, type Caller, type ServiceDeps, unchanged } from './context.ts';
import { fieldErrors } from './field-errors.ts';
import { providerConfigSchema, supportedProviderKinds } from './provider-kinds.ts';

export interface ProviderInput {
  name: string;
  kind: ProviderKind;
  config?: Record<string, unknown>;
}

export interface ProviderPatch {
  name?: string;
  config?: Record<string, unknown>;
}

export class ProviderService {
  constructor(private readonly deps: ServiceDeps) {}

  list(_caller: Caller, filter: ProviderFilter = {}, page?: PageRequest): Promise<Page<Provider>> {
    return this.deps.store.providers.list(filter, page);
  }

  get(_caller: Caller, id: string): Promise<Provider> {
    return mustGet('provider', id, (i) => this.deps.store.providers.get(i));
  }

  create(caller: Caller, input: ProviderInput): Promise<Provider> {
    const config = checkConfig(input.kind, input.config ?? {});
    return this.deps.store.transaction(async (tx) => {
      await assertNameFree(tx, input.name, null);
      const now = this.deps.clock.now();
      const provider: Provider = {
        id: newId('provider', now), name: input.name, kind: input.kind, config, secretCiphertext: null, createdAt: now, updatedAt: now,
      };
      await tx.providers.insert(provider);
      await audit(tx, caller, now, { type: 'provider.created', entityType: 'provider', entityId: provider.id, before: null, after: provider });
      return provider;
    });
  }

  update(caller: Caller, id: string, patch: ProviderPatch): Promise<Provider> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('provider', id, (i) => tx.providers.get(i));
      if (patch.name !== undefined && patch.name !== before.name) await assertNameFree(tx, patch.name, id);
      const after: Provider = {
        ...before,
        name: patch.name ?? before.name,
        config: patch.config !== undefined ? checkConfig(before.kind, patch.config) : before.config,
        updatedAt: this.deps.clock.now(),
      };
      if (unchanged(before, after)) return before;
      await tx.providers.update(after);
      await audit(tx, caller, after.updatedAt, { type: 'provider.updated', entityType: 'provider', entityId: id, before, after });
      return after;
    });
  }

  delete(caller: Caller, id: string): Promise<void> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('provider', id, (i) => tx.providers.get(i));
      const user = await findUser(tx, id);
      if (user) throw new GatehouseError('PROVIDER_IN_USE', `Provider ${before.name} is used by ${user}.`, { id });
      await tx.providers.delete(id);
      await audit(tx, caller, this.deps.clock.now(), { type: 'provider.deleted', entityType: 'provider', entityId: id, before, after: null });
    });
  }
}

function checkConfig(kind: ProviderKind, config: Record<string, unknown>): Record<string, unknown> {
  const schema = providerConfigSchema(kind);
  if (!schema) {
    const message = `provider kind "${kind}" is not available in this build (available: ${supportedProviderKinds().join(', ')})`;
    throw new GatehouseError('VALIDATION_FAILED', message, { errors: [{ path: 'kind', message }] });
  }
  const result = schema.safeParse(config);
  if (!result.success) {
    const errors = fieldErrors(result.error.issues, ['config']);
    throw new GatehouseError('VALIDATION_FAILED', `Invalid ${kind} provider config: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
  }
  return result.data;
}

async function assertNameFree(tx: Repositories, name: string, selfId: string | null): Promise<void> {
  const clash = (await tx.providers.list({ name }, { limit: 2 })).items.find((p) => p.id !== selfId);
  if (clash) throw new GatehouseError('NAME_TAKEN', `A provider named "${name}" already exists (${clash.id}).`, { field: 'name' });
}

/** Describes the first environment, API or app that uses the provider, or null. */
async function findUser(tx: Repositories, providerId: string): Promise<string | null> {
  const envs = await listAll((p) => tx.environments.list({}, p));
  const env = envs.find((e) => e.defaultProviderId === providerId || e.providerIds.includes(providerId));
  if (env) return `environment ${env.name} (${env.id})`;
  if (await anyMatch((p) => tx.apis.list({ providerId }, p))) return 'an API';
  if (await anyMatch((p) => tx.apps.list({ providerId }, p))) return 'a client app';
  return null;
}
