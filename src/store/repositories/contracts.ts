import type { Contract } from '../../core/domain.ts';
import { GatehouseError, isGatehouseError } from '../../core/errors.ts';
import type { ContractFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { LIVE_CONTRACT_INDEX } from '../migrations/003_contracts_live_unique.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const contractSpec: EntitySpec<Contract, ContractFilter, 'contracts'> = {
  table: 'contracts',
  kind: 'contract',
  toRow: (c) => ({
    id: c.id,
    app_id: c.appId,
    api_id: c.apiId,
    tier_id: c.tierId,
    state: c.state,
    requested_by: c.requestedBy,
    decided_by: c.decidedBy,
    reason: c.reason,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  }),
  fromRow: (r) => ({
    id: r.id,
    appId: r.app_id,
    apiId: r.api_id,
    tierId: r.tier_id,
    state: r.state as Contract['state'],
    requestedBy: r.requested_by,
    decidedBy: r.decided_by,
    reason: r.reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) => {
    let query = whereEquals(q, 'contracts', [
      ['app_id', f.appId],
      ['api_id', f.apiId],
      ['tier_id', f.tierId],
      ['state', f.state],
    ]);
    // A consumer sees the contracts of the apps it owns.
    if (f.ownerSubject !== undefined) {
      query = query.innerJoin('apps', 'apps.id', 'contracts.app_id').where('apps.owner_subject', '=', f.ownerSubject);
    }
    return query;
  },
};

/** A second live contract for the same app and API is CONFLICT, as the contract service reports it. */
export function contractRepository(ctx: StoreContext): WritableRepository<Contract, ContractFilter> {
  const crud = crudRepository(ctx, contractSpec);
  const guarded = (write: (c: Contract) => Promise<void>) => async (c: Contract) => {
    try {
      await write(c);
    } catch (error) {
      if (!isLiveContractClash(error)) throw error;
      throw new GatehouseError('CONFLICT', `App ${c.appId} already has a requested or approved contract for API ${c.apiId}.`,
        { appId: c.appId, apiId: c.apiId }, { cause: error });
    }
  };
  return { ...crud, insert: guarded(crud.insert), update: guarded(crud.update) };
}

/** driver-errors.ts reports unknown unique indexes as CONFLICT with the driver error as cause. */
function isLiveContractClash(error: unknown): boolean {
  if (!isGatehouseError(error) || error.code !== 'CONFLICT') return false;
  const cause = (error as { cause?: { constraint?: string; message?: string } }).cause;
  return cause?.constraint === LIVE_CONTRACT_INDEX || /constraint failed: contracts\.app_id, contracts\.api_id$/.test(cause?.message ?? '');
}
