import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createFixture, type Fixture } from './test-fixture.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Happy paths of every resource, as a CLI would drive them: create, read, change, delete, and the query routes. */
describe('resources through the REST API', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  test('environment and provider lifecycle', async () => {
    const provider = await f.call(f.tokens.admin, 'POST', '/v1/providers', { name: 'extra', kind: 'local', config: {} });
    assert.equal(provider.status, 201, provider.text);
    assert.equal('secretCiphertext' in provider.json, false);
    assert.match(provider.json.createdAt, ISO);
    const env = await f.call(f.tokens.operator, 'POST', '/v1/environments', {
      name: 'production', description: 'live', settings: { alertThresholdsDays: [7, 30, 7] }, providerIds: [provider.json.id],
    });
    assert.equal(env.status, 201, env.text);
    assert.deepEqual(env.json.settings, { credentialLifetimeDays: 180, alertThresholdsDays: [30, 7] });
    assert.equal(env.json.defaultProviderId, null);
    const patched = await f.call(f.tokens.operator, 'PATCH', `/v1/environments/${env.json.id}`, { defaultProviderId: provider.json.id, name: 'prod' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.json.name, 'prod');
    assert.deepEqual(patched.json.providerIds, [provider.json.id]);
    assert.equal((await f.call(f.tokens.viewer, 'GET', '/v1/environments?name=prod')).json.items.length, 1);
    const renamed = await f.call(f.tokens.admin, 'PATCH', `/v1/providers/${provider.json.id}`, { name: 'extra-2' });
    assert.equal(renamed.json.name, 'extra-2');
    assert.equal((await f.call(f.tokens.admin, 'DELETE', `/v1/providers/${provider.json.id}`)).status, 409);
    const deleted = await f.call(f.tokens.operator, 'DELETE', `/v1/environments/${env.json.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assert.equal((await f.call(f.tokens.admin, 'GET', `/v1/environments/${env.json.id}`)).status, 404);
    assert.equal((await f.call(f.tokens.admin, 'DELETE', `/v1/providers/${provider.json.id}`)).status, 204);
  });

  test('API and tier lifecycle', async () => {
    const api = await f.call(f.tokens.operator, 'POST', '/v1/apis', {
      environmentId: f.world.env.id, name: 'inventory', version: 'v2', basePath: '/inventory/v2', upstreamUrl: 'https://inventory.internal',
      policies: [{ type: 'client-id', config: { credentialsFrom: 'basic' } }, { type: 'rate-limit', config: { requests: 100, windowSeconds: 60 } }],
    });
    assert.equal(api.status, 201, api.text);
    assert.equal(api.json.providerId, null);
    assert.equal(api.json.policies.length, 2);
    const moved = await f.call(f.tokens.operator, 'PATCH', `/v1/apis/${api.json.id}`, { basePath: '/inventory/v3', version: 'v3' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.basePath, '/inventory/v3');
    const listed = await f.call(f.tokens.consumerA, 'GET', `/v1/apis?environmentId=${f.world.env.id}`);
    assert.deepEqual(listed.json.items.map((a: { name: string }) => a.name).sort(), ['inventory', 'orders']);

    const tier = await f.call(f.tokens.operator, 'POST', `/v1/apis/${api.json.id}/tiers`, { name: 'basic', limit: { requests: 10, windowSeconds: 1 } });
    assert.equal(tier.status, 201, tier.text);
    assert.equal(tier.json.approval, 'manual');
    const changed = await f.call(f.tokens.operator, 'PATCH', `/v1/tiers/${tier.json.id}`, { approval: 'auto', limit: { requests: 20, windowSeconds: 2 } });
    assert.deepEqual([changed.json.approval, changed.json.limit], ['auto', { requests: 20, windowSeconds: 2 }]);
    assert.equal((await f.call(f.tokens.consumerA, 'GET', `/v1/apis/${api.json.id}/tiers`)).json.items.length, 1);
    assert.equal((await f.call(f.tokens.operator, 'DELETE', `/v1/tiers/${tier.json.id}`)).status, 204);
    assert.equal((await f.call(f.tokens.operator, 'DELETE', `/v1/apis/${api.json.id}`)).status, 204);
    assert.equal((await f.call(f.tokens.operator, 'GET', `/v1/apis/${api.json.id}`)).status, 404);
  });

  test('app lifecycle with contract filtering', async () => {
    const app = await f.call(f.tokens.operator, 'POST', '/v1/apps', { environmentId: f.world.env.id, name: 'reporting', ownerContacts: ['ops@example.com'] });
    assert.equal(app.status, 201, app.text);
    assert.equal(app.json.ownerSubject, null);
    const patched = await f.call(f.tokens.operator, 'PATCH', `/v1/apps/${app.json.id}`, { description: 'nightly reports' });
    assert.equal(patched.json.description, 'nightly reports');
    const contract = await f.call(f.tokens.operator, 'POST', '/v1/contracts', { appId: app.json.id, apiId: f.world.api.id, tierId: f.world.manualTier.id });
    assert.equal(contract.status, 201);
    const approved = await f.call(f.tokens.operator, 'POST', `/v1/contracts/${contract.json.id}/approve`, { reason: 'ok' });
    assert.equal(approved.json.state, 'approved');
    assert.equal((await f.call(f.tokens.viewer, 'GET', `/v1/contracts?appId=${app.json.id}&state=approved`)).json.items.length, 1);
    assert.equal((await f.call(f.tokens.viewer, 'GET', `/v1/contracts?appId=${app.json.id}&state=requested`)).json.items.length, 0);
    assert.equal((await f.call(f.tokens.operator, 'DELETE', `/v1/apps/${app.json.id}`)).status, 204);
    const after = await f.call(f.tokens.viewer, 'GET', `/v1/contracts/${contract.json.id}`);
    assert.equal(after.json.state, 'revoked');
  });

  test('APIs and apps filter by exact name; a consumer still sees only its own apps', async () => {
    const { api, appA, appB } = f.world;
    const apis = await f.call(f.tokens.viewer, 'GET', `/v1/apis?name=${api.name}`);
    assert.deepEqual(apis.json.items.map((a: { id: string }) => a.id), [api.id]);
    assert.deepEqual((await f.call(f.tokens.viewer, 'GET', '/v1/apis?name=no-such-api')).json.items, []);
    assert.deepEqual((await f.call(f.tokens.operator, 'GET', `/v1/apps?name=${appB.name}`)).json.items.map((a: { id: string }) => a.id), [appB.id]);
    assert.deepEqual((await f.call(f.tokens.consumerA, 'GET', `/v1/apps?name=${appA.name}`)).json.items.map((a: { id: string }) => a.id), [appA.id]);
    assert.deepEqual((await f.call(f.tokens.consumerA, 'GET', `/v1/apps?name=${appB.name}`)).json.items, [], "another team's app stays invisible by name");
  });

  test('audit queries filter by entity, type, actor and time; verify reports a sound chain', async () => {
    const byType = await f.call(f.tokens.viewer, 'GET', '/v1/audit?type=app.created');
    assert.ok(byType.json.items.length >= 2);
    assert.ok(byType.json.items.every((e: { type: string }) => e.type === 'app.created'));
    assert.match(byType.json.items[0].at, ISO);
    const future = new Date(f.clock.now() + 60_000).toISOString();
    assert.deepEqual((await f.call(f.tokens.viewer, 'GET', `/v1/audit?from=${encodeURIComponent(future)}`)).json.items, []);
    assert.ok((await f.call(f.tokens.viewer, 'GET', '/v1/audit?actor=system')).json.items.length > 0);
    const verify = await f.call(f.tokens.viewer, 'GET', '/v1/audit/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.json.ok, true);
    assert.equal(verify.json.problem, null);
  });

  test('usage rollups and app activity come back with ISO times', async () => {
    const minute = Date.UTC(2026, 10, 27, 5, 0);
    await f.store.usage.addRollups([
      { minute, apiId: f.world.api.id, appId: f.world.appA.id, statusClass: '2xx', count: 3, latencySumMs: 30, latencyMaxMs: 12 },
      { minute, apiId: f.world.api.id, appId: f.world.appB.id, statusClass: '4xx', count: 1, latencySumMs: 2, latencyMaxMs: 2 },
    ]);
    await f.store.usage.touchApps([{ appId: f.world.appA.id, lastSeenAt: minute + 5_000, sourceAddresses: ['10.0.0.7'] }]);
    const usage = await f.call(f.tokens.viewer, 'GET', `/v1/usage?appId=${f.world.appA.id}`);
    assert.equal(usage.status, 200, usage.text);
    assert.deepEqual(usage.json.items, [{ minute: new Date(minute).toISOString(), apiId: f.world.api.id, appId: f.world.appA.id, statusClass: '2xx', count: 3, latencySumMs: 30, latencyMaxMs: 12 }]);
    const activity = await f.call(f.tokens.consumerA, 'GET', `/v1/apps/${f.world.appA.id}/activity`);
    assert.deepEqual(activity.json, { appId: f.world.appA.id, lastSeenAt: new Date(minute + 5_000).toISOString(), sourceAddresses: ['10.0.0.7'] });
  });
});
