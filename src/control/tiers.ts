import type { Approval, Tier } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Page, PageRequest, Repositories } from '../core/ports/store.ts';
import { audit, listAll, mustGet, type Caller, type ServiceDeps, unchanged } from './context.ts';
import { hasLiveContracts } from './contracts.ts';

export interface TierInput {
  name: string;
  limit: { requests: number; windowSeconds: number };
  approval?: Approval;
}

export type TierPatch = Partial<TierInput>;

export class TierService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(_caller: Caller, apiId: string, page?: PageRequest): Promise<Page<Tier>> {
    await mustGet('API', apiId, (i) => this.deps.store.apis.get(i));
    return this.deps.store.tiers.list({ apiId }, page);
  }

  get(_caller: Caller, id: string): Promise<Tier> {
    return mustGet('tier', id, (i) => this.deps.store.tiers.get(i));
  }

  create(caller: Caller, apiId: string, input: TierInput): Promise<Tier> {
    return this.deps.store.transaction(async (tx) => {
      await mustGet('API', apiId, (i) => tx.apis.get(i));
      await assertNameFree(tx, apiId, input.name, null);
      const now = this.deps.clock.now();
      const tier: Tier = {
        id: newId('tier', now),
        apiId,
        name: input.name,
        limit: { requests: input.limit.requests, windowSeconds: input.limit.windowSeconds },
        approval: input.approval ?? 'manual',
        createdAt: now,
        updatedAt: now,
      };
      await tx.tiers.insert(tier);
      await audit(tx, caller, now, { type: 'tier.created', entityType: 'tier', entityId: tier.id, before: null, after: tier });
      return tier;
    });
  }

  update(caller: Caller, id: string, patch: TierPatch): Promise<Tier> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('tier', id, (i) => tx.tiers.get(i));
      if (patch.name !== undefined && patch.name !== before.name) await assertNameFree(tx, before.apiId, patch.name, id);
      const after: Tier = {
        ...before,
        name: patch.name ?? before.name,
        limit: patch.limit ? { requests: patch.limit.requests, windowSeconds: patch.limit.windowSeconds } : before.limit,
        approval: patch.approval ?? before.approval,
        updatedAt: this.deps.clock.now(),
      };
      if (unchanged(before, after)) return before;
      await tx.tiers.update(after);
      await audit(tx, caller, after.updatedAt, { type: 'tier.updated', entityType: 'tier', entityId: id, before, after });
      return after;
    });
  }

  delete(caller: Caller, id: string): Promise<void> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('tier', id, (i) => tx.tiers.get(i));
      if (await hasLiveContracts(tx, { tierId: id })) {
        throw new GatehouseError('CONFLICT', `Tier ${before.name} has requested or approved contracts; revoke or reject them first.`, { id });
      }
      await tx.tiers.delete(id);
      await audit(tx, caller, this.deps.clock.now(), { type: 'tier.deleted', entityType: 'tier', entityId: id, before, after: null });
    });
  }
}

async function assertNameFree(tx: Repositories, apiId: string, name: string, selfId: string | null): Promise<void> {
  const clash = (await listAll((p) => tx.tiers.list({ apiId }, p))).find((t) => t.name === name && t.id !== selfId);
  if (clash) throw new GatehouseError('NAME_TAKEN', `This API already has a tier named "${name}" (${clash.id}).`, { field: 'name' });
}
