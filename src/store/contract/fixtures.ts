import { randomBytes } from 'node:crypto';
import type { Api, ApiToken, ClientApp, Contract, Credential, Environment, Job, Provider, Tier } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';

/** A short random word so rows made by different tests (and runs on a shared database) never collide. */
export const unique = (prefix = 'x') => `${prefix}-${randomBytes(5).toString('hex')}`;

const T0 = Date.UTC(2026, 0, 1);

export const environment = (over: Partial<Environment> = {}): Environment => ({
  id: newId('environment'),
  name: unique('env'),
  description: 'test environment',
  defaultProviderId: null,
  providerIds: [],
  settings: { credentialLifetimeDays: 180, alertThresholdsDays: [60, 30, 14, 7, 1] },
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

export const provider = (over: Partial<Provider> = {}): Provider => ({
  id: newId('provider'),
  name: unique('prv'),
  kind: 'entra',
  config: { tenantId: '00000000-0000-0000-0000-000000000001', hosts: { graph: 'https://graph.example' } },
  secretCiphertext: 'v1:ciphertext',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

export const api = (over: Partial<Api> = {}): Api => ({
  id: newId('api'),
  environmentId: newId('environment'),
  name: unique('orders'),
  version: 'v1',
  basePath: `/${unique('p')}/v1`,
  upstreamUrl: 'http://127.0.0.1:9/orders',
  providerId: null,
  policies: [
    { type: 'jwt', config: { audience: 'api://x' } },
    { type: 'rate-limit', config: { requests: 10, windowSeconds: 60 } },
    { type: 'cors', config: { origins: ['https://a.example'] } },
  ],
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

export const tier = (over: Partial<Tier> = {}): Tier => ({
  id: newId('tier'),
  apiId: newId('api'),
  name: unique('gold'),
  limit: { requests: 100, windowSeconds: 60 },
  approval: 'manual',
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

export const app = (over: Partial<ClientApp> = {}): ClientApp => ({
  id: newId('app'),
  environmentId: newId('environment'),
  name: unique('app'),
  description: 'a client',
  ownerContacts: ['owner@example.com'],
  ownerSubject: null,
  providerId: null,
  clientId: null,
  registration: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

export const contract = (over: Partial<Contract> = {}): Contract => ({
  id: newId('contract'),
  appId: newId('app'),
  apiId: newId('api'),
  tierId: newId('tier'),
  state: 'requested',
  requestedBy: 'tok_requester',
  decidedBy: null,
  reason: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

export const credential = (over: Partial<Credential> = {}): Credential => ({
  id: newId('credential'),
  ownerType: 'app',
  ownerId: newId('app'),
  kind: 'secret',
  keyId: unique('key'),
  hint: 'abc',
  secretHash: 'sha256:AAAA',
  origin: 'gatehouse',
  state: 'active',
  createdAt: T0,
  expiresAt: T0 + 180 * 86_400_000,
  retireAt: null,
  removedAt: null,
  lastUsedAt: null,
  ...over,
});

export const apiToken = (over: Partial<ApiToken> = {}): ApiToken => ({
  id: newId('apiToken'),
  name: unique('ci'),
  role: 'operator',
  subject: unique('subject'),
  tokenHash: `sha256:${unique('hash')}`,
  createdAt: T0,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  ...over,
});

export const job = (over: Partial<Job> = {}): Job => ({
  id: newId('job'),
  type: unique('onboard'),
  key: unique('key'),
  state: 'pending',
  payload: { appId: 'app_x', steps: ['register', 'secret'] },
  progress: {},
  attempts: 0,
  runAt: T0,
  lockedBy: null,
  lockedUntil: null,
  lastError: null,
  createdAt: T0,
  updatedAt: T0,
  ...over,
});

/** Ids as the store orders them. */
export const sortedIds = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
