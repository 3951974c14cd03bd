import type { Provider } from '../../core/domain.ts';
import type { ProviderFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const providerSpec: EntitySpec<Provider, ProviderFilter, 'providers'> = {
  table: 'providers',
  kind: 'provider',
  toRow: (p, json) => ({
    id: p.id,
    name: p.name,
    kind: p.kind,
    config: json.encode(p.config),
    secret_ciphertext: p.secretCiphertext,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  }),
  fromRow: (r, json) => ({
    id: r.id,
    name: r.name,
    kind: r.kind as Provider['kind'],
    config: json.decode(r.config),
    secretCiphertext: r.secret_ciphertext,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) => whereEquals(q, 'providers', [['kind', f.kind], ['name', f.name]]),
};

export const providerRepository = (ctx: StoreContext): WritableRepository<Provider, ProviderFilter> =>
  crudRepository(ctx, providerSpec);
