import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createFixture, type Fixture } from './test-fixture.ts';

/** Consumers see and change only their own apps and what hangs off them; others' answer like unknown ids (404). */
describe('consumer isolation', () => {
  let f: Fixture;
  let contractB: string;
  let credentialB: string;
  before(async () => {
    f = await createFixture();
    const c = await f.call(f.tokens.admin, 'POST', '/v1/contracts', { appId: f.world.appB.id, apiId: f.world.api.id, tierId: f.world.autoTier.id });
    assert.equal(c.status, 201, c.text);
    contractB = c.json.id;
    const cred = await f.call(f.tokens.consumerB, 'POST', `/v1/apps/${f.world.appB.id}/credentials`, {});
    assert.equal(cred.status, 201, cred.text);
    credentialB = cred.json.credential.id;
  });
  after(() => f.close());

  test("another consumer's app, its credentials, contracts and activity → 404 and nothing changes", async () => {
    const b = f.world.appB.id;
    const attempts: [string, string, unknown?][] = [
      ['GET', `/v1/apps/${b}`],
      ['PATCH', `/v1/apps/${b}`, { name: 'stolen' }],
      ['DELETE', `/v1/apps/${b}`],
      ['GET', `/v1/apps/${b}/activity`],
      ['GET', `/v1/apps/${b}/credentials`],
      ['POST', `/v1/apps/${b}/credentials`, {}],
      ['DELETE', `/v1/apps/${b}/credentials/${credentialB}`],
      ['POST', '/v1/contracts', { appId: b, apiId: f.world.api.id, tierId: f.world.manualTier.id }],
      ['GET', `/v1/contracts/${contractB}`],
      ['POST', `/v1/contracts/${contractB}/revoke`, {}],
    ];
    for (const [method, url, body] of attempts) {
      const before = await f.snapshot();
      const reply = await f.call(f.tokens.consumerA, method, url, body);
      assert.equal(reply.status, 404, `${method} ${url}: ${reply.text}`);
      assert.equal(reply.json.code, 'NOT_FOUND');
      assert.ok(!reply.text.includes('app-b') && !reply.text.includes('team-b'), 'a 404 must not describe what it hides');
      assert.deepEqual(await f.snapshot(), before, `${method} ${url} changed state`);
    }
  });

  test("the 404 for another consumer's app is indistinguishable from an unknown id", async () => {
    const hidden = await f.call(f.tokens.consumerA, 'GET', `/v1/apps/${f.world.appB.id}`);
    const ghost = await f.call(f.tokens.consumerA, 'GET', '/v1/apps/app_0000000000zzzzzzzzzzzzzzzz');
    const shape = (j: Record<string, unknown>) => Object.keys(j).sort();
    assert.deepEqual(shape(hidden.json), shape(ghost.json));
    assert.equal(hidden.json.detail.replace(f.world.appB.id, 'ID'), ghost.json.detail.replace('app_0000000000zzzzzzzzzzzzzzzz', 'ID'));
  });

  test('lists are scoped to the consumer, whatever the filter says', async () => {
    const apps = await f.call(f.tokens.consumerA, 'GET', '/v1/apps?ownerSubject=team-b');
    assert.equal(apps.status, 200);
    assert.deepEqual(apps.json.items.map((a: { id: string }) => a.id), []);
    const own = await f.call(f.tokens.consumerA, 'GET', '/v1/apps');
    assert.deepEqual(own.json.items.map((a: { id: string }) => a.id), [f.world.appA.id]);
    const contracts = await f.call(f.tokens.consumerA, 'GET', `/v1/contracts?appId=${f.world.appB.id}`);
    assert.deepEqual(contracts.json.items, []);
    const staff = await f.call(f.tokens.viewer, 'GET', '/v1/apps');
    assert.equal(staff.json.items.length, 2);
  });

  test("a consumer's new app is owned by its subject; setting ownerSubject is for staff only", async () => {
    const before = await f.snapshot();
    const forged = await f.call(f.tokens.consumerA, 'POST', '/v1/apps', { environmentId: f.world.env.id, name: 'forged', ownerSubject: 'team-b' });
    assert.equal(forged.status, 403, forged.text);
    assert.deepEqual(await f.snapshot(), before);
    const created = await f.call(f.tokens.consumerA, 'POST', '/v1/apps', { environmentId: f.world.env.id, name: 'app-a2', ownerContacts: ['a@example.com'] });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.ownerSubject, 'team-a');
    assert.match(created.json.clientId, /^cli_[a-z2-7]{24}$/);
    const staffMade = await f.call(f.tokens.operator, 'POST', '/v1/apps', { environmentId: f.world.env.id, name: 'for-b', ownerSubject: 'team-b' });
    assert.equal(staffMade.status, 201, staffMade.text);
    const seenByB = await f.call(f.tokens.consumerB, 'GET', `/v1/apps/${staffMade.json.id}`);
    assert.equal(seenByB.status, 200);
  });

  test('a consumer may read environments, APIs and tiers, but not providers, tokens, audit or usage', async () => {
    for (const url of ['/v1/environments', '/v1/apis', `/v1/apis/${f.world.api.id}/tiers`, `/v1/tiers/${f.world.autoTier.id}`]) {
      assert.equal((await f.call(f.tokens.consumerA, 'GET', url)).status, 200, url);
    }
    for (const url of ['/v1/providers', '/v1/tokens', '/v1/audit', '/v1/usage']) {
      assert.equal((await f.call(f.tokens.consumerA, 'GET', url)).status, 403, url);
    }
  });

  test('a consumer may revoke its own approved contract but not approve or reject', async () => {
    const own = await f.call(f.tokens.consumerA, 'POST', '/v1/contracts', { appId: f.world.appA.id, apiId: f.world.api.id, tierId: f.world.manualTier.id });
    assert.equal(own.status, 201, own.text);
    assert.equal(own.json.state, 'requested');
    assert.equal((await f.call(f.tokens.consumerA, 'POST', `/v1/contracts/${own.json.id}/approve`, {})).status, 403);
    assert.equal((await f.call(f.tokens.admin, 'POST', `/v1/contracts/${own.json.id}/approve`)).status, 200);
    const revoked = await f.call(f.tokens.consumerA, 'POST', `/v1/contracts/${own.json.id}/revoke`);
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.json.decidedBy.startsWith('tok_'), true);
  });
});
