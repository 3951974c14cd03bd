import { sql } from 'kysely';
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
  filter: (q, f) => whereEquals(q, 'apis', [['environment_id', f.environmentId], ['provider_id', f.providerId], ['name', f.name]]),
};

/**
 * On PostgreSQL every API write first takes one transaction-scoped advisory lock, so API writes serialise until
 * commit. That is what lets ApiService check "no other API's base path nests in this one" after its own write: two
 * transactions can no longer both pass the check (a unique index cannot say "prefix of"). Under READ COMMITTED the
 * check, a new statement, sees every API committed before the lock was granted. SQLite runs one writer at a time.
 * The store itself accepts nested paths (the gateway routes them by longest prefix); refusing them is the service's rule.
 */
export function apiRepository(ctx: StoreContext): WritableRepository<Api, ApiFilter> {
  const crud = crudRepository(ctx, apiSpec);
  if (ctx.dialect !== 'postgres') return crud;
  const serialised = (write: 'insert' | 'update') => (api: Api) =>
    ctx.write(async (inner) => {
      await sql`select pg_advisory_xact_lock(hashtext(${API_WRITE_LOCK}))`.execute(inner.db);
      await crudRepository(inner, apiSpec)[write](api);
    });
  return { ...crud, insert: serialised('insert'), update: serialised('update') };
}

export const API_WRITE_LOCK = 'gatehouse:apis.write';
