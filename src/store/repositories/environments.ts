import type { Environment } from '../../core/domain.ts';
import type { EnvironmentFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const environmentSpec: EntitySpec<Environment, EnvironmentFilter, 'environments'> = {
  table: 'environments',
  kind: 'environment',
  toRow: (e, json) => ({
    id: e.id,
    name: e.name,
    description: e.description,
    default_provider_id: e.defaultProviderId,
    provider_ids: json.encode(e.providerIds),
    settings: json.encode(e.settings),
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  }),
  fromRow: (r, json) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    defaultProviderId: r.default_provider_id,
    providerIds: json.decode(r.provider_ids),
    settings: json.decode(r.settings),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) => whereEquals(q, 'environments', [['name', f.name]]),
};

export const environmentRepository = (ctx: StoreContext): WritableRepository<Environment, EnvironmentFilter> =>
  crudRepository(ctx, environmentSpec);
