import type { Contract } from '../../core/domain.ts';
import type { ContractFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
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

export const contractRepository = (ctx: StoreContext): WritableRepository<Contract, ContractFilter> =>
  crudRepository(ctx, contractSpec);
