import type { Api } from '../../core/domain.ts';
import type { ApiFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const apiSpec: EntitySpec<Api, ApiFilter, 'apis'> = {
  table: 'apis',
  kind: 'API',
  toRow: (a, json) => ({
    id: a.id,
    environment_id: a.environmentId,
    name: a.name,
    version: a.version,
    base_path: a.basePath,
    upstream_url: a.upstreamUrl,
    provider_id: a.providerId,
    policies: json.encode(a.policies),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  }),
  fromRow: (r, json) => ({
    id: r.id,
    environmentId: r.environment_id,
    name: r.name,
    version: r.version,
    basePath: r.base_path,
    upstreamUrl: r.upstream_url,
    providerId: r.provider_id,
    policies: json.decode(r.policies),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) => whereEquals(q, 'apis', [['environment_id', f.environmentId], ['provider_id', f.providerId]]),
};

export const apiRepository = (ctx: StoreContext): WritableRepository<Api, ApiFilter> => crudRepository(ctx, apiSpec);
