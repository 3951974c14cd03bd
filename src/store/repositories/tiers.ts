import type { Tier } from '../../core/domain.ts';
import type { TierFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const tierSpec: EntitySpec<Tier, TierFilter, 'tiers'> = {
  table: 'tiers',
  kind: 'tier',
  toRow: (t) => ({
    id: t.id,
    api_id: t.apiId,
    name: t.name,
    limit_requests: t.limit.requests,
    limit_window_seconds: t.limit.windowSeconds,
    approval: t.approval,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  }),
  fromRow: (r) => ({
    id: r.id,
    apiId: r.api_id,
    name: r.name,
    limit: { requests: r.limit_requests, windowSeconds: r.limit_window_seconds },
    approval: r.approval as Tier['approval'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) => whereEquals(q, 'tiers', [['api_id', f.apiId]]),
};

export const tierRepository = (ctx: StoreContext): WritableRepository<Tier, TierFilter> => crudRepository(ctx, tierSpec);
