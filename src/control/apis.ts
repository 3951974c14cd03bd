import type { Api, Environment } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { ApiFilter, Page, PageRequest, Repositories } from '../core/ports/store.ts';
import { audit, listAll, mustGet, type Caller, type ServiceDeps, unchanged } from './context.ts';
import { basePathConflict, basePathsOverlap, checkBasePathFormat, checkUpstreamUrl } from './paths.ts';
import { DEFAULT_POLICIES, validatePolicies, type PolicyInput } from './policy-schemas.ts';
import { hasLiveContracts } from './contracts.ts';

export interface ApiInput {
  environmentId: string;
  name: string;
  version: string;
  basePath: string;
  upstreamUrl: string;
  providerId?: string | null;
  policies?: PolicyInput[];
}

export type ApiPatch = Partial<ApiInput>;

export class ApiService {
  constructor(private readonly deps: ServiceDeps) {}

  list(_caller: Caller, filter: ApiFilter = {}, page?: PageRequest): Promise<Page<Api>> {
    return this.deps.store.apis.list(filter, page);
  }

  get(_caller: Caller, id: string): Promise<Api> {
    return mustGet('API', id, (i) => this.deps.store.apis.get(i));
  }

  create(caller: Caller, input: ApiInput): Promise<Api> {
    checkBasePathFormat(input.basePath);
    checkUpstreamUrl(input.upstreamUrl);
    const policies = validatePolicies(input.policies ?? DEFAULT_POLICIES);
    return this.deps.store.transaction(async (tx) => {
      const env = await mustGet('environment', input.environmentId, (i) => tx.environments.get(i));
      const providerId = input.providerId ?? null;
      await assertProviderEnabled(tx, env, providerId);
      const now = this.deps.clock.now();
      const api: Api = {
        id: newId('api', now),
        environmentId: env.id,
        name: input.name,
        version: input.version,
        basePath: input.basePath,
        upstreamUrl: input.upstreamUrl,
        providerId,
        policies,
        createdAt: now,
        updatedAt: now,
      };
      await assertUnique(tx, api);
      await tx.apis.insert(api);
      await assertUniqueAfterWrite(tx, api);
      await audit(tx, caller, now, { type: 'api.created', entityType: 'api', entityId: api.id, before: null, after: api });
      return api;
    });
  }

  update(caller: Caller, id: string, patch: ApiPatch): Promise<Api> {
    if (patch.basePath !== undefined) checkBasePathFormat(patch.basePath);
    if (patch.upstreamUrl !== undefined) checkUpstreamUrl(patch.upstreamUrl);
    const policies = patch.policies !== undefined ? validatePolicies(patch.policies) : undefined;
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('API', id, (i) => tx.apis.get(i));
      const after: Api = {
        ...before,
        environmentId: patch.environmentId ?? before.environmentId,
        name: patch.name ?? before.name,
        version: patch.version ?? before.version,
        basePath: patch.basePath ?? before.basePath,
        upstreamUrl: patch.upstreamUrl ?? before.upstreamUrl,
        providerId: patch.providerId !== undefined ? patch.providerId : before.providerId,
        policies: policies ?? before.policies,
        updatedAt: this.deps.clock.now(),
      };
      const env = await mustGet('environment', after.environmentId, (i) => tx.environments.get(i));
      await assertProviderEnabled(tx, env, after.providerId);
      const moved = after.environmentId !== before.environmentId || after.providerId !== before.providerId;
      if (moved && (await hasLiveContracts(tx, { apiId: id }))) {
        throw new GatehouseError('CONFLICT', `API ${before.name} has live contracts; its environment and provider cannot change.`, { id });
      }
      await assertUnique(tx, after);
      if (unchanged(before, after)) return before;
      await tx.apis.update(after);
      await assertUniqueAfterWrite(tx, after);
      await audit(tx, caller, after.updatedAt, { type: 'api.updated', entityType: 'api', entityId: id, before, after });
      return after;
    });
  }

  /** Deletes the API with its tiers and its finished (rejected/revoked) contracts; refused while any contract is live. */
  delete(caller: Caller, id: string): Promise<void> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('API', id, (i) => tx.apis.get(i));
      if (await hasLiveContracts(tx, { apiId: id })) {
        throw new GatehouseError('CONFLICT', `API ${before.name} has requested or approved contracts; revoke or reject them first.`, { id });
      }
      const now = this.deps.clock.now();
      for (const contract of await listAll((p) => tx.contracts.list({ apiId: id }, p))) await tx.contracts.delete(contract.id);
      for (const tier of await listAll((p) => tx.tiers.list({ apiId: id }, p))) {
        await tx.tiers.delete(tier.id);
        await audit(tx, caller, now, { type: 'tier.deleted', entityType: 'tier', entityId: tier.id, before: tier, after: null });
      }
      await tx.apis.delete(id);
      await audit(tx, caller, now, { type: 'api.deleted', entityType: 'api', entityId: id, before, after: null });
    });
  }
}

/** An API's provider, when named, must be one its environment allows. */
async function assertProviderEnabled(tx: Repositories, env: Environment, providerId: string | null): Promise<void> {
  if (providerId === null) return;
  await mustGet('provider', providerId, (i) => tx.providers.get(i));
  if (!env.providerIds.includes(providerId)) {
    throw new GatehouseError('CONFLICT', `Provider ${providerId} is not enabled in environment ${env.name}; add it to the environment's providerIds first.`, { field: 'providerId' });
  }
}

/**
 * The same check again once the row is written: on PostgreSQL a concurrent create may have passed the first check
 * too. API writes take a lock until commit (src/store/repositories/apis.ts), so this one sees the other's row, and
 * throwing rolls our write back. (On SQLite transactions do not overlap; the repeat is cheap.)
 */
const assertUniqueAfterWrite = assertUnique;

/** Base paths are global (one gateway serves every environment); name + version are unique per environment. */
async function assertUnique(tx: Repositories, api: Api): Promise<void> {
  const all = await listAll((p) => tx.apis.list({}, p));
  for (const other of all) {
    if (other.id === api.id) continue;
    if (basePathsOverlap(api.basePath, other.basePath)) throw basePathConflict(api.basePath, other);
    if (other.environmentId === api.environmentId && other.name === api.name && other.version === api.version) {
      throw new GatehouseError('NAME_TAKEN', `API ${api.name} ${api.version} already exists in this environment (${other.id}).`, { field: 'name' });
    }
  }
}
