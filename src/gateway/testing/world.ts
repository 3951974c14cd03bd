import type { Api, ClientApp, Contract, ContractState, Credential, Environment, PolicyConfig, Tier } from '../../core/domain.ts';
import type { Store } from '../../core/ports/store.ts';
import { newId } from '../../core/ids.ts';
import { generateSecret, hashSecret, secretHint } from '../../core/secrets.ts';
import type { SnapshotData } from '../snapshot/snapshot.ts';

export const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/**
 * Literal test data for the gateway: builds consistent environments, APIs, tiers, apps, secrets and contracts,
 * hands them out as SnapshotData (pipeline tests, no store) or writes them to a real Store (integration tests).
 */
export class TestWorld {
  environments: Environment[] = [];
  apis: Api[] = [];
  tiers: Tier[] = [];
  apps: ClientApp[] = [];
  contracts: Contract[] = [];
  credentials: Credential[] = [];

  env(name = 'sandbox'): Environment {
    const env: Environment = {
      id: newId('environment'), name, description: '', defaultProviderId: null, providerIds: [],
      settings: { credentialLifetimeDays: 180, alertThresholdsDays: [30] }, createdAt: T0, updatedAt: T0,
    };
    this.environments.push(env);
    return env;
  }

  api(env: Environment, basePath: string, upstreamUrl: string, policies: PolicyConfig[] = [{ type: 'client-id', config: {} }]): Api {
    const api: Api = {
      id: newId('api'), environmentId: env.id, name: 'api' + basePath.replace(/\W+/g, '-'), version: 'v1', basePath,
      upstreamUrl, providerId: null, policies, createdAt: T0, updatedAt: T0,
    };
    this.apis.push(api);
    return api;
  }

  tier(api: Api, requests = 1000, windowSeconds = 60): Tier {
    const tier: Tier = {
      id: newId('tier'), apiId: api.id, name: 'gold-' + this.tiers.length, limit: { requests, windowSeconds },
      approval: 'auto', createdAt: T0, updatedAt: T0,
    };
    this.tiers.push(tier);
    return tier;
  }

  app(env: Environment, clientId = 'cli_' + newId('app').slice(4, 28)): ClientApp {
    const app: ClientApp = {
      id: newId('app'), environmentId: env.id, name: 'app-' + this.apps.length, description: '', ownerContacts: [],
      ownerSubject: null, providerId: null, clientId, registration: null, createdAt: T0, updatedAt: T0,
    };
    this.apps.push(app);
    return app;
  }

  /** Adds a secret to the app and returns it in clear text. */
  secret(app: ClientApp, over: Partial<Credential> = {}): string {
    const secret = generateSecret('ghs_');
    this.credentials.push({
      id: newId('credential'), ownerType: 'app', ownerId: app.id, kind: 'secret', keyId: newId('credential'),
      hint: secretHint(secret), secretHash: hashSecret(secret), origin: 'gatehouse', state: 'active',
      createdAt: T0, expiresAt: T0 + 3650 * DAY, retireAt: null, removedAt: null, lastUsedAt: null, ...over,
    });
    return secret;
  }

  contract(app: ClientApp, api: Api, tier: Tier, state: ContractState = 'approved'): Contract {
    const contract: Contract = {
      id: newId('contract'), appId: app.id, apiId: api.id, tierId: tier.id, state, requestedBy: 'test',
      decidedBy: state === 'requested' ? null : 'test', reason: null, createdAt: T0, updatedAt: T0,
    };
    this.contracts.push(contract);
    return contract;
  }

  data(version = 1): SnapshotData {
    return {
      version,
      environments: [...this.environments], apis: [...this.apis], tiers: [...this.tiers], apps: [...this.apps],
      contracts: [...this.contracts], credentials: [...this.credentials],
    };
  }

  /** Writes every row not yet written to the store, in dependency order, in one transaction. */
  async writeTo(store: Store): Promise<void> {
    const written = (this.written ??= new Set<string>());
    await store.transaction(async (tx) => {
      for (const e of this.environments) if (!written.has(e.id)) await tx.environments.insert(e);
      for (const a of this.apis) if (!written.has(a.id)) await tx.apis.insert(a);
      for (const t of this.tiers) if (!written.has(t.id)) await tx.tiers.insert(t);
      for (const a of this.apps) if (!written.has(a.id)) await tx.apps.insert(a);
      for (const c of this.credentials) if (!written.has(c.id)) await tx.credentials.insert(c);
      for (const c of this.contracts) if (!written.has(c.id)) await tx.contracts.insert(c);
    });
    for (const rows of [this.environments, this.apis, this.tiers, this.apps, this.credentials, this.contracts]) {
      for (const r of rows) written.add(r.id);
    }
  }

  private written: Set<string> | undefined;
}

/** `Authorization: Basic …` for a client id and secret. */
export const basic = (clientId: string, secret: string): string => 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64');
