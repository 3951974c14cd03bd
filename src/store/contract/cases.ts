import type { Repositories, WritableRepository } from '../../core/ports/store.ts';
import * as f from './fixtures.ts';

/** How the generic CRUD checks drive one writable repository. */
export interface EntityCase {
  name: string;
  repo(r: Repositories): WritableRepository<any, any>;
  make(over?: Record<string, unknown>): { id: string };
  /** A changed copy (every mutable field kind touched: text, nullable, JSON, numbers). */
  change(row: any): { id: string };
  /** Rows with `over` are the only ones `filter` returns, so paging can be checked in isolation. */
  group?(): { over: Record<string, unknown>; filter: Record<string, unknown> };
}

export const ENTITY_CASES: EntityCase[] = [
  {
    name: 'environments',
    repo: (r) => r.environments,
    make: (o) => f.environment(o),
    change: (e) => ({ ...e, description: 'changed', defaultProviderId: 'prv_x', providerIds: ['prv_x', 'prv_y'], settings: { credentialLifetimeDays: 90, alertThresholdsDays: [7] }, updatedAt: e.updatedAt + 1 }),
  },
  {
    name: 'providers',
    repo: (r) => r.providers,
    make: (o) => f.provider(o),
    change: (p) => ({ ...p, kind: 'oidc-dcr', config: { issuer: 'https://idp.example', nested: { list: [1, 2] } }, secretCiphertext: null, updatedAt: p.updatedAt + 1 }),
  },
  {
    name: 'apis',
    repo: (r) => r.apis,
    make: (o) => f.api(o),
    change: (a) => ({ ...a, upstreamUrl: 'http://127.0.0.1:9/v2', providerId: 'prv_x', policies: [...a.policies].reverse(), updatedAt: a.updatedAt + 1 }),
    group: () => {
      const environmentId = f.unique('env');
      return { over: { environmentId }, filter: { environmentId } };
    },
  },
  {
    name: 'tiers',
    repo: (r) => r.tiers,
    make: (o) => f.tier(o),
    change: (t) => ({ ...t, limit: { requests: 5, windowSeconds: 1 }, approval: 'auto', updatedAt: t.updatedAt + 1 }),
    group: () => {
      const apiId = f.unique('api');
      return { over: { apiId }, filter: { apiId } };
    },
  },
  {
    name: 'apps',
    repo: (r) => r.apps,
    make: (o) => f.app(o),
    change: (a) => ({
      ...a, description: 'changed', ownerContacts: ['b@example.com', 'a@example.com'], ownerSubject: 'sub', providerId: 'prv_x',
      clientId: f.unique('client'), registration: { clientId: 'c', objectId: 'o', uniqueName: null }, updatedAt: a.updatedAt + 1,
    }),
    group: () => {
      const environmentId = f.unique('env');
      return { over: { environmentId }, filter: { environmentId } };
    },
  },
  {
    name: 'contracts',
    repo: (r) => r.contracts,
    make: (o) => f.contract(o),
    change: (c) => ({ ...c, state: 'approved', decidedBy: 'tok_admin', reason: 'ok', updatedAt: c.updatedAt + 1 }),
    group: () => {
      const apiId = f.unique('api');
      return { over: { apiId }, filter: { apiId } };
    },
  },
  {
    name: 'credentials',
    repo: (r) => r.credentials,
    make: (o) => f.credential(o),
    change: (c) => ({ ...c, state: 'retiring', retireAt: 5, removedAt: 6, lastUsedAt: 7, lastUsedSource: 'idp', expiresAt: null, secretHash: null }),
    group: () => {
      const ownerId = f.unique('owner');
      return { over: { ownerId }, filter: { ownerId } };
    },
  },
  {
    name: 'apiTokens',
    repo: (r) => r.apiTokens,
    make: (o) => f.apiToken(o),
    change: (t) => ({ ...t, revokedAt: 10, lastUsedAt: 9, expiresAt: 8, role: 'viewer' }),
    group: () => {
      const subject = f.unique('sub');
      return { over: { subject }, filter: { subject } };
    },
  },
  {
    name: 'jobs',
    repo: (r) => r.jobs,
    make: (o) => f.job(o),
    change: (j) => ({ ...j, state: 'succeeded', progress: { register: 'done' }, attempts: 3, lockedBy: 'w1', lockedUntil: 99, lastError: 'boom', updatedAt: j.updatedAt + 1 }),
    group: () => {
      const type = f.unique('type');
      return { over: { type }, filter: { type } };
    },
  },
];
