import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEntraEmulator, type EntraEmulator } from '../index.ts';
import { graphClient, sharedTestDataDir, tokenFor, tokenRequest, trustingFetch } from './helpers.ts';

describe('faults', () => {
  let emu: EntraEmulator;
  let graph: ReturnType<typeof graphClient>;
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir() });
  });
  beforeEach(async () => {
    emu.control.faults.clear();
    graph = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
  });
  after(() => emu.close());

  test('replication delay: 404 after create, NoBackingApplicationObject, new secret refused, stale read after PATCH', async () => {
    emu.control.faults.set({ replicationDelayMs: 5000 });
    const created = await graph('POST', '/v1.0/applications', { displayName: 'lagging' });
    assert.equal(created.status, 201, 'the write response itself is trustworthy');
    const app = created.body;
    const early = await graph('GET', `/v1.0/applications/${app.id}`);
    assert.equal(early.status, 404);
    assert.equal(early.body.error.code, 'Request_ResourceNotFound');
    const sp = await graph('POST', '/v1.0/servicePrincipals', { appId: app.appId });
    assert.equal(sp.status, 400);
    assert.equal(sp.body.error.code, 'NoBackingApplicationObject');
    emu.control.clock.advance(5000);
    assert.equal((await graph('GET', `/v1.0/applications/${app.id}`)).status, 200);
    assert.equal((await graph('POST', '/v1.0/servicePrincipals', { appId: app.appId })).status, 201);

    const secret = (await graph('POST', `/v1.0/applications/${app.id}/addPassword`, {})).body.secretText;
    const body = { grant_type: 'client_credentials', client_id: app.appId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' };
    const tooSoon = await tokenRequest(emu, body);
    assert.equal(((await tooSoon.json()) as any).error_codes[0], 7000215);
    emu.control.clock.advance(5000);
    assert.equal((await tokenRequest(emu, body)).status, 200);

    assert.equal((await graph('PATCH', `/v1.0/applications/${app.id}`, { displayName: 'renamed' })).status, 204);
    assert.equal((await graph('GET', `/v1.0/applications/${app.id}`)).body.displayName, 'lagging');
    emu.control.clock.advance(5000);
    assert.equal((await graph('GET', `/v1.0/applications/${app.id}`)).body.displayName, 'renamed');
  });

  test('throttling: a resource-unit budget per app+tenant, 429 with Retry-After and x-ms-throttle headers', async () => {
    emu.control.faults.set({ throttle: { ruPerWindow: 4, windowMs: 10_000 } });
    const first = await graph('GET', '/v1.0/applications');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ms-resource-unit'), '2');
    assert.equal((await graph('GET', '/v1.0/servicePrincipals')).status, 200);
    assert.equal((await graph('GET', '/v1.0/servicePrincipals?$top=5')).status, 200);
    const throttled = await graph('GET', '/v1.0/servicePrincipals');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, 'Request_ThrottledTemporarily');
    assert.equal(throttled.headers.get('retry-after'), '10');
    assert.equal(throttled.headers.get('x-ms-throttle-information'), 'ResourceUnitLimitExceeded');
    assert.match(throttled.headers.get('x-ms-throttle-scope')!, new RegExp(`^Tenant_Application/ReadWrite/${emu.admin.clientId}/${emu.tenantId}$`));
    emu.control.clock.advance(4_000);
    assert.equal((await graph('GET', '/v1.0/servicePrincipals')).headers.get('retry-after'), '6');
    emu.control.clock.advance(6_000);
    assert.equal((await graph('GET', '/v1.0/servicePrincipals')).status, 200);
  });

  test('5xx injection is deterministic for a seed and carries Graph error bodies with Retry-After', async () => {
    const run = async () => {
      emu.control.faults.set({ failRate5xx: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await graph('GET', '/v1.0/servicePrincipals?$top=1')).status);
      return statuses;
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes(200) && a.some((s) => s >= 500), `mixed outcomes expected: ${a}`);
    emu.control.faults.set({ failRate5xx: 1, failStatuses: [503] });
    const res = await graph('GET', '/v1.0/applications');
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'serviceNotAvailable');
    assert.equal(res.headers.get('retry-after'), '1');
    emu.control.faults.set({ failRate5xx: 1, failStatuses: [504] });
    assert.equal((await graph('GET', '/v1.0/applications')).status, 504);
  });

  test('faults can target the token endpoint', async () => {
    emu.control.faults.set({ failRate5xx: 1, failStatuses: [503], scope: ['sts'] });
    const res = await tokenRequest(emu, { grant_type: 'client_credentials', client_id: emu.admin.clientId, client_secret: emu.admin.clientSecret, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(res.status, 503);
    assert.equal((await graph('GET', '/v1.0/applications')).status, 200, 'Graph is not in scope');
  });

  test('slow answers wait slowMs', async () => {
    emu.control.faults.set({ slowMs: 300 });
    const started = Date.now();
    assert.equal((await graph('GET', '/v1.0/applications?$top=1')).status, 200);
    assert.ok(Date.now() - started >= 290);
  });

  test('every Nth request has its connection dropped', async () => {
    emu.control.faults.set({ dropConnectionEvery: 2 });
    assert.equal((await graph('GET', '/v1.0/applications?$top=1')).status, 200);
    await assert.rejects(graph('GET', '/v1.0/applications?$top=1'));
    assert.equal((await graph('GET', '/v1.0/applications?$top=1')).status, 200);
  });

  test('the admin endpoint switches faults, moves the clock, rotates keys and shows state', async () => {
    const f = trustingFetch(emu);
    const put = await f(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failRate5xx: 1, failStatuses: [504] }) });
    assert.equal(put.status, 200);
    assert.equal((await graph('GET', '/v1.0/applications')).status, 504);
    assert.equal((await f(`${emu.url}/_emulator/faults`, { method: 'DELETE' })).status, 204);
    assert.equal((await graph('GET', '/v1.0/applications')).status, 200);
    const bad = await f(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failRate5xx: 3 }) });
    assert.equal(bad.status, 400);
    const formPost = await f(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    assert.equal(formPost.status, 415);
    const before = emu.control.clock.now();
    const clock = await f(`${emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceMs: 60_000 }) });
    assert.ok(((await clock.json()) as any).epochMs - before >= 60_000);
    const rotate = (await (await f(`${emu.url}/_emulator/keys/rotate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as any;
    const state = (await (await f(`${emu.url}/_emulator/state`)).json()) as any;
    assert.equal(state.signingKeys.activeKid, rotate.activeKid);
    assert.equal(state.tenants[0].id, emu.tenantId);
    assert.ok(!JSON.stringify(state).includes(emu.admin.clientSecret), 'state never contains secrets');
    const seeded = (await (await f(`${emu.url}/_emulator/apps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'via admin', permissions: ['Application.Read.All'] }) })).json()) as any;
    const t = await tokenFor(emu, seeded.clientId, seeded.clientSecret);
    assert.equal((await graphClient(emu, t)('GET', '/v1.0/applications')).status, 200);
  });
});
