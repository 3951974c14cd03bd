import type { ClientApp, Registration } from '../../core/domain.ts';
import type { AppFilter, WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const appSpec: EntitySpec<ClientApp, AppFilter, 'apps'> = {
  table: 'apps',
  kind: 'app',
  toRow: (a, json) => ({
    id: a.id,
    environment_id: a.environmentId,
    name: a.name,
    description: a.description,
    owner_contacts: json.encode(a.ownerContacts),
    owner_subject: a.ownerSubject,
    provider_id: a.providerId,
    client_id: a.clientId,
    registration: a.registration === null ? null : json.encode(a.registration),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  }),
  fromRow: (r, json) => ({
    id: r.id,
    environmentId: r.environment_id,
    name: r.name,
    description: r.description,
    ownerContacts: json.decode(r.owner_contacts),
    ownerSubject: r.owner_subject,
    providerId: r.provider_id,
    clientId: r.client_id,
    registration: r.registration === null ? null : json.decode<Registration>(r.registration),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) =>
    whereEquals(q, 'apps', [
      ['environment_id', f.environmentId],
      ['owner_subject', f.ownerSubject],
      ['client_id', f.clientId],
      ['provider_id', f.providerId],
      ['name', f.name],
    ]),
};

export const appRepository = (ctx: StoreContext): WritableRepository<ClientApp, AppFilter> => crudRepository(ctx, appSpec);
