import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { ManualClock } from '../core/clock.ts';
import type { Job, Provider } from '../core/domain.ts';
import { newId } from '../core/ids.ts';
import type { Store } from '../core/ports/store.ts';
import { openStore } from '../store/index.ts';
import { SYSTEM_CALLER, createServices, registerPolicySchema, type Services } from './index.ts';
import { withApiTriggers } from './onboarding-triggers.ts';
import { APP_ROLE_JOB, OFFBOARD_JOB, ONBOARD_JOB, RESOURCE_APP_JOB, appRoleJobKey, roleIdForApi } from './onboarding/index.ts';

// The real schema lives in the gateway; the composition root registers it. Any object config is enough here.
registerPolicySchema('oauth-token', z.object({}).passthrough());

const TOKEN = [{ type: 'oauth-token', config: {} }];

describe('onboarding triggers', () => {
  let store: Store;
  let services: Services;
  let clock: ManualClock;
  let entra: Provider;
  let envId: string;
  let localEnvId: string;

  beforeEach(async () => {
    clock = new ManualClock(Date.parse('2026-11-27T08:00:00Z'));
    store = await openStore({ url: 'sqlite::memory:', clock });
    services = withApiTriggers(createServices({ store, clock }), { store, clock });
    const now = clock.now();
    entra = {
      id: newId('provider', now), name: 'contoso', kind: 'entra',
      config: { tenantId: '11111111-2222-3333-4444-555555555555', clientId: '11111111-2222-3333-4444-666666666666' },
      secretCiphertext: null, createdAt: now, updatedAt: now,
    };
    await store.providers.insert(entra);
    envId = (await services.environments.create(SYSTEM_CALLER, { name: 'prod', defaultProviderId: entra.id, providerIds: [entra.id] })).id;
    const local = await services.providers.create(SYSTEM_CALLER, { name: 'local', kind: 'local' });
    localEnvId = (await services.environments.create(SYSTEM_CALLER, { name: 'dev', defaultProviderId: local.id, providerIds: [local.id] })).id;
  });
  after(() => store?.close());

  const jobs = async (type: string): Promise<Job[]> => (await store.jobs.list({ type }, { limit: 500 })).items;

  async function setup(opts: { env?: string; policies?: { type: string; config: Record<string, unknown> }[]; approval?: 'auto' | 'manual'; basePath?: string } = {}) {
    const api = await services.apis.create(SYSTEM_CALLER, {
      environmentId: opts.env ?? envId, name: `a${Math.random()}`, version: 'v1', basePath: opts.basePath ?? '/orders', upstreamUrl: 'http://127.0.0.1:9',
      policies: opts.policies ?? TOKEN,
    });
    const tier = await services.tiers.create(SYSTEM_CALLER, api.id, { name: 'gold', limit: { requests: 10, windowSeconds: 60 }, approval: opts.approval ?? 'manual' });
    const app = await services.apps.create(SYSTEM_CALLER, { environmentId: opts.env ?? envId, name: `app${Math.random()}` });
    return { api, tier, app };
  }

  test('creating a token API enqueues the resource-app setup; a client-id API or a local environment does not', async () => {
    await setup();
    const setups = await jobs(RESOURCE_APP_JOB);
    assert.equal(setups.length, 1);
    assert.deepEqual(setups[0]!.payload, { environmentId: envId, providerId: entra.id });
    await setup({ policies: [{ type: 'client-id', config: {} }], basePath: '/plain' });
    await setup({ env: localEnvId, basePath: '/local' });
    assert.equal((await jobs(RESOURCE_APP_JOB)).length, 1, 'same unfinished job reused; no IdP work for the others');
  });

  test('approval onboards the app in the same transaction, once; a requested contract does not', async () => {
    const { api, tier, app } = await setup();
    const contract = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    assert.equal((await jobs(ONBOARD_JOB)).length, 0);
    await services.contracts.decide(SYSTEM_CALLER, contract.id, 'approve');
    const onboard = await jobs(ONBOARD_JOB);
    assert.equal(onboard.length, 1);
    assert.equal(onboard[0]!.key, app.id);
    // A second API for the same app: still one onboarding job.
    const second = await services.apis.create(SYSTEM_CALLER, { environmentId: envId, name: 'b', version: 'v1', basePath: '/b', upstreamUrl: 'http://127.0.0.1:9', policies: TOKEN });
    const tier2 = await services.tiers.create(SYSTEM_CALLER, second.id, { name: 'auto', limit: { requests: 1, windowSeconds: 1 }, approval: 'auto' });
    const auto = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: second.id, tierId: tier2.id });
    assert.equal(auto.state, 'approved');
    assert.equal((await jobs(ONBOARD_JOB)).length, 1);
  });

  test('auto-approval onboards too; approval on a client-id API or a local app does not', async () => {
    const a = await setup({ approval: 'auto' });
    await services.contracts.request(SYSTEM_CALLER, { appId: a.app.id, apiId: a.api.id, tierId: a.tier.id });
    assert.equal((await jobs(ONBOARD_JOB)).length, 1);
    const plain = await setup({ approval: 'auto', policies: [{ type: 'client-id', config: {} }], basePath: '/plain' });
    await services.contracts.request(SYSTEM_CALLER, { appId: plain.app.id, apiId: plain.api.id, tierId: plain.tier.id });
    const local = await setup({ approval: 'auto', env: localEnvId, basePath: '/local' });
    await services.contracts.request(SYSTEM_CALLER, { appId: local.app.id, apiId: local.api.id, tierId: local.tier.id });
    assert.equal((await jobs(ONBOARD_JOB)).length, 1);
  });

  test('approval asks for the resource-app setup when the app role of the API is missing, not when present', async () => {
    const { api, tier, app } = await setup({ approval: 'auto' });
    // Finish the setup job from the API creation and record the resource app with this API's role.
    const [setupJob] = await jobs(RESOURCE_APP_JOB);
    await store.jobs.update({ ...setupJob!, state: 'succeeded' });
    const resourceApp = { clientId: 'r', objectId: 'o', identifierUri: 'api://r', principalId: 'p', roles: [{ id: roleIdForApi(api.id), value: 'x', displayName: 'x' }], requireRoleAssignment: false };
    await store.providers.update({ ...entra, config: { ...entra.config, resourceApps: { [envId]: resourceApp } }, updatedAt: clock.now() });
    await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    assert.equal((await jobs(RESOURCE_APP_JOB)).length, 1, 'role present: no new setup');
  });

  async function registered(appId: string) {
    const app = (await store.apps.get(appId))!;
    await store.apps.update({ ...app, clientId: 'c1', registration: { clientId: 'c1', objectId: 'obj-1', uniqueName: `gh-${appId}` } });
  }

  test('revoking the last token contract offboards the registered app; revoking one of two does not', async () => {
    const { api, tier, app } = await setup({ approval: 'auto' });
    const first = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    const other = await services.apis.create(SYSTEM_CALLER, { environmentId: envId, name: 'b', version: 'v1', basePath: '/b', upstreamUrl: 'http://127.0.0.1:9', policies: TOKEN });
    const otherTier = await services.tiers.create(SYSTEM_CALLER, other.id, { name: 'auto', limit: { requests: 1, windowSeconds: 1 }, approval: 'auto' });
    const second = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: other.id, tierId: otherTier.id });
    await registered(app.id);
    await services.contracts.decide(SYSTEM_CALLER, first.id, 'revoke');
    assert.equal((await jobs(OFFBOARD_JOB)).length, 0, 'another token contract is still approved');
    const roleJobs = await jobs(APP_ROLE_JOB);
    assert.deepEqual(roleJobs.map((j) => [j.key, j.payload]), [[appRoleJobKey(app.id, api.id), { appId: app.id, apiId: api.id, providerId: entra.id, contractId: first.id }]],
      'only the revoked API\'s role is removed');
    await services.contracts.decide(SYSTEM_CALLER, second.id, 'revoke');
    assert.equal((await jobs(APP_ROLE_JOB)).length, 1, 'the last one offboards instead (the principal goes with its roles)');
    const off = await jobs(OFFBOARD_JOB);
    assert.equal(off.length, 1);
    assert.deepEqual(off[0]!.payload, { appId: app.id, providerId: entra.id, objectId: 'obj-1', clientId: 'c1' });
  });

  test('approving a contract of an already registered app grants its role (a re-approval too); onboarding does not repeat', async () => {
    const { api, tier, app } = await setup({ approval: 'auto' });
    await registered(app.id);
    const first = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    assert.equal((await jobs(ONBOARD_JOB)).length, 0);
    const [grant] = await jobs(APP_ROLE_JOB);
    assert.equal(grant!.key, appRoleJobKey(app.id, api.id));
    await store.jobs.update({ ...grant!, state: 'succeeded' });
    // Revoked (its last token contract: offboarding), then approved again while still registered: granted again.
    await services.contracts.decide(SYSTEM_CALLER, first.id, 'revoke');
    await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    assert.equal((await jobs(APP_ROLE_JOB)).filter((j) => j.state === 'pending').length, 1);
  });

  test('deleting a registered app offboards it; an unregistered one needs no IdP work', async () => {
    const { api, tier, app } = await setup({ approval: 'auto' });
    await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    await registered(app.id);
    await services.apps.delete(SYSTEM_CALLER, app.id);
    assert.equal((await jobs(OFFBOARD_JOB)).length, 1);
    const bare = await services.apps.create(SYSTEM_CALLER, { environmentId: envId, name: 'bare' });
    await services.apps.delete(SYSTEM_CALLER, bare.id);
    assert.equal((await jobs(OFFBOARD_JOB)).length, 1);
  });

  test('a failing trigger rolls the approval back with it (same transaction)', async () => {
    const { api, tier, app } = await setup();
    const contract = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
    const original = store.transaction.bind(store);
    // Make job inserts inside transactions fail.
    (store as { transaction: Store['transaction'] }).transaction = (fn) => original((tx) => fn({ ...tx, jobs: { ...tx.jobs, insert: async () => { throw new Error('disk full'); } } }));
    try {
      await assert.rejects(services.contracts.decide(SYSTEM_CALLER, contract.id, 'approve'), /disk full/);
    } finally {
      (store as { transaction: Store['transaction'] }).transaction = original;
    }
    assert.equal((await store.contracts.get(contract.id))!.state, 'requested');
    assert.equal((await jobs(ONBOARD_JOB)).length, 0);
  });

  test('deleting a token API asks for the resource-app setup again (its role goes)', async () => {
    const { api } = await setup();
    const [first] = await jobs(RESOURCE_APP_JOB);
    await store.jobs.update({ ...first!, state: 'succeeded' });
    await services.apis.delete(SYSTEM_CALLER, api.id);
    assert.equal((await jobs(RESOURCE_APP_JOB)).filter((j) => j.state === 'pending').length, 1);
  });
});
