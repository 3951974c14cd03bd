import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEntraEmulator, type EntraEmulator } from '../index.ts';
import { graphClient, sharedTestDataDir, tokenFor } from './helpers.ts';

describe('Graph permissions as Entra enforces them', () => {
  let emu: EntraEmulator;
  let graph: ReturnType<typeof graphClient>;
  const adminToken = () => tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret);
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir() });
    graph = graphClient(emu, await adminToken());
  });
  after(() => emu.close());

  test('OwnedBy: objects it does not own can be read but not changed (403 Authorization_RequestDenied)', async () => {
    const foreign = emu.control.seedApp({ displayName: 'not mine' });
    assert.equal((await graph('GET', `/v1.0/applications/${foreign.objectId}`)).status, 200);
    for (const [method, path, body] of [
      ['PATCH', `/v1.0/applications/${foreign.objectId}`, { displayName: 'hijack' }],
      ['POST', `/v1.0/applications/${foreign.objectId}/addPassword`, {}],
      ['POST', `/v1.0/applications/${foreign.objectId}/removePassword`, { keyId: foreign.secretKeyId }],
      ['DELETE', `/v1.0/applications/${foreign.objectId}`, undefined],
      ['DELETE', `/v1.0/servicePrincipals/${foreign.servicePrincipalId}`, undefined],
      ['POST', `/v1.0/applications/${foreign.objectId}/owners/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${emu.admin.servicePrincipalId}` }],
    ] as const) {
      const res = await graph(method, path, body);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error.code, 'Authorization_RequestDenied');
      assert.equal(res.body.error.message, 'Insufficient privileges to complete the operation.');
      assert.ok(res.body.error.innerError['request-id']);
    }
  });

  test("ownedByReadScope 'owned' (older docs): non-owned reads are 403 and lists only show owned objects", async () => {
    const foreign = emu.control.seedApp({ displayName: 'hidden' });
    const mine = (await graph('POST', '/v1.0/applications', { displayName: 'visible' })).body;
    emu.control.updateSettings({ ownedByReadScope: 'owned' });
    try {
      assert.equal((await graph('GET', `/v1.0/applications/${foreign.objectId}`)).status, 403);
      const list = await graph('GET', '/v1.0/applications?$top=999');
      const ids = list.body.value.map((a: any) => a.id);
      assert.ok(ids.includes(mine.id));
      assert.ok(!ids.includes(foreign.objectId));
    } finally {
      emu.control.updateSettings({ ownedByReadScope: 'all' });
    }
  });

  test('OwnedBy cannot create an SP for an app it does not own, and cannot grant app roles', async () => {
    const foreign = emu.control.seedApp({ displayName: 'no sp yet', servicePrincipal: false });
    const sp = await graph('POST', '/v1.0/servicePrincipals', { appId: foreign.clientId });
    assert.equal(sp.status, 403);
    const api = emu.control.seedApp({ displayName: 'api', identifierUris: ['api://perm-api'], appRoles: [{ id: '0b1d6c1e-6d36-4f4e-8f0c-2c1f0cc2b8a1', value: 'Things.Read', displayName: 'r', description: 'r', allowedMemberTypes: ['Application'], isEnabled: true }] });
    const mine = (await graph('POST', '/v1.0/applications', { displayName: 'wants role' })).body;
    const mySp = (await graph('POST', '/v1.0/servicePrincipals', { appId: mine.appId })).body;
    const grant = { principalId: mySp.id, resourceId: api.servicePrincipalId, appRoleId: '0b1d6c1e-6d36-4f4e-8f0c-2c1f0cc2b8a1' };
    const denied = await graph('POST', `/v1.0/servicePrincipals/${api.servicePrincipalId}/appRoleAssignedTo`, grant);
    assert.equal(denied.status, 403);

    emu.control.grantPermissions(emu.admin.clientId, ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All']);
    const stale = await graph('POST', `/v1.0/servicePrincipals/${api.servicePrincipalId}/appRoleAssignedTo`, grant);
    assert.equal(stale.status, 403, 'permissions come from the token, so an old token keeps the old roles');
    const fresh = graphClient(emu, await adminToken());
    const ok = await fresh('POST', `/v1.0/servicePrincipals/${api.servicePrincipalId}/appRoleAssignedTo`, grant);
    assert.equal(ok.status, 201);
    assert.equal(ok.body.principalId, mySp.id);
    assert.equal(ok.body.principalType, 'ServicePrincipal');
    // id: base64url, first 16 bytes = principalId in .NET little-endian GUID order.
    const raw = Buffer.from(ok.body.id, 'base64url');
    assert.equal(raw.length, 32);
    const hex = mySp.id.replace(/-/g, '');
    assert.equal(raw.subarray(0, 4).toString('hex'), Buffer.from(hex.slice(0, 8), 'hex').reverse().toString('hex'));
    const dup = await fresh('POST', `/v1.0/servicePrincipals/${api.servicePrincipalId}/appRoleAssignedTo`, grant);
    assert.equal(dup.status, 400);
    const list = await fresh('GET', `/v1.0/servicePrincipals/${api.servicePrincipalId}/appRoleAssignedTo`);
    assert.deepEqual(list.body.value.map((a: any) => a.id), [ok.body.id]);
    const del = await fresh('DELETE', `/v1.0/servicePrincipals/${api.servicePrincipalId}/appRoleAssignedTo/${ok.body.id}`);
    assert.equal(del.status, 204);
  });

  test('app roles added to an application after its service principal exists become assignable', async () => {
    const api = (await graph('POST', '/v1.0/applications', { displayName: 'api grows roles' })).body;
    const apiSp = (await graph('POST', '/v1.0/servicePrincipals', { appId: api.appId })).body;
    const client = (await graph('POST', '/v1.0/applications', { displayName: 'client of grown api' })).body;
    const clientSp = (await graph('POST', '/v1.0/servicePrincipals', { appId: client.appId })).body;
    const roleId = '6a1c6f0e-1c55-4c4e-9a4e-1f3a2b9d7c01';
    const grant = { principalId: clientSp.id, resourceId: apiSp.id, appRoleId: roleId };
    emu.control.grantPermissions(emu.admin.clientId, ['AppRoleAssignment.ReadWrite.All', 'Application.Read.All']);
    const admin = graphClient(emu, await adminToken());
    assert.equal((await admin('POST', `/v1.0/servicePrincipals/${apiSp.id}/appRoleAssignedTo`, grant)).status, 400, 'no such role yet');
    const patched = await admin('PATCH', `/v1.0/applications/${api.id}`, {
      appRoles: [{ id: roleId, value: 'Orders.Read', displayName: 'r', description: 'r', allowedMemberTypes: ['Application'], isEnabled: true }],
    });
    assert.equal(patched.status, 204);
    assert.equal((await admin('POST', `/v1.0/servicePrincipals/${apiSp.id}/appRoleAssignedTo`, grant)).status, 201);
    const sp = await admin('GET', `/v1.0/servicePrincipals/${apiSp.id}`);
    assert.deepEqual(sp.body.appRoles.map((r: any) => r.value), ['Orders.Read']);
  });

  test('rotating its own secret needs the admin app to own its application object', async () => {
    const denied = await graph('POST', `/v1.0/applications/${emu.admin.objectId}/addPassword`, {});
    assert.equal(denied.status, 403);
    const self = emu.control.seedApp({ displayName: 'self-rotating', permissions: ['Application.ReadWrite.OwnedBy'], ownsItself: true });
    const selfGraph = graphClient(emu, await tokenFor(emu, self.clientId, self.clientSecret!));
    const added = await selfGraph('POST', `/v1.0/applications/${self.objectId}/addPassword`, { passwordCredential: { displayName: 'next' } });
    assert.equal(added.status, 200);
    assert.ok(added.body.secretText);
  });

  test('owners: add by $ref, duplicates refused, remove', async () => {
    const app = (await graph('POST', '/v1.0/applications', { displayName: 'owned twice' })).body;
    const other = emu.control.seedApp({ displayName: 'co-owner' });
    const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${other.servicePrincipalId}` };
    assert.equal((await graph('POST', `/v1.0/applications/${app.id}/owners/$ref`, ref)).status, 204);
    const dup = await graph('POST', `/v1.0/applications/${app.id}/owners/$ref`, ref);
    assert.equal(dup.status, 400);
    assert.match(dup.body.error.message, /already exist for the following modified properties: 'owners'/);
    assert.equal((await graph('GET', `/v1.0/applications/${app.id}/owners`)).body.value.length, 2);
    assert.equal((await graph('DELETE', `/v1.0/applications/${app.id}/owners/${other.servicePrincipalId}/$ref`)).status, 204);
    assert.equal((await graph('GET', `/v1.0/applications/${app.id}/owners`)).body.value.length, 1);
  });

  test('a tenant app management policy caps secret lifetimes (CredentialInvalidLifetimeAsPerAppPolicy)', async () => {
    const app = (await graph('POST', '/v1.0/applications', { displayName: 'policy-bound' })).body;
    emu.control.setAppManagementPolicy({ passwordMaxLifetime: 'P90D' });
    try {
      const tooLong = await graph('POST', `/v1.0/applications/${app.id}/addPassword`, {});
      assert.equal(tooLong.status, 400);
      assert.equal(tooLong.body.error.code, 'CredentialInvalidLifetimeAsPerAppPolicy');
      assert.match(tooLong.body.error.message, /^Credential lifetime exceeds the max value allowed as per assigned policy '/);
      const end = new Date(emu.control.clock.now() + 30 * 24 * 3600 * 1000).toISOString();
      assert.equal((await graph('POST', `/v1.0/applications/${app.id}/addPassword`, { passwordCredential: { endDateTime: end } })).status, 200);
    } finally {
      emu.control.setAppManagementPolicy({ isEnabled: false });
    }
  });

  test('Graph rejects missing, foreign and expired tokens with InvalidAuthenticationToken', async () => {
    const none = await graphClient(emu, '')('GET', '/v1.0/applications', undefined, { authorization: '' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'InvalidAuthenticationToken');
    const api = emu.control.seedApp({ displayName: 'not graph', identifierUris: ['api://not-graph'] });
    const wrongAud = await tokenFor(emu, api.clientId, api.clientSecret!, 'api://not-graph/.default');
    assert.equal((await graphClient(emu, wrongAud)('GET', '/v1.0/applications')).status, 401);
    const t = await adminToken();
    emu.control.clock.advance(3600 * 1000);
    const expired = await graphClient(emu, t)('GET', '/v1.0/applications');
    assert.equal(expired.status, 401);
    assert.match(expired.body.error.message, /expired/);
    const forged = t.slice(0, -4) + 'AAAA';
    assert.equal((await graphClient(emu, forged)('GET', '/v1.0/applications')).status, 401);
  });

  test('the per-principal object quota counts soft-deleted objects', async () => {
    const quotaApp = emu.control.seedApp({ displayName: 'quota', permissions: ['Application.ReadWrite.OwnedBy'] });
    const g = graphClient(emu, await tokenFor(emu, quotaApp.clientId, quotaApp.clientSecret!));
    emu.control.updateSettings({ ownedObjectQuota: 2 });
    try {
      const a = (await g('POST', '/v1.0/applications', { displayName: 'q1' })).body;
      await g('POST', '/v1.0/applications', { displayName: 'q2' });
      await g('DELETE', `/v1.0/applications/${a.id}`);
      const third = await g('POST', '/v1.0/applications', { displayName: 'q3' });
      assert.equal(third.status, 400);
      assert.equal(third.body.error.code, 'Directory_QuotaExceeded');
      await g('DELETE', `/v1.0/directory/deletedItems/${a.id}`);
      assert.equal((await g('POST', '/v1.0/applications', { displayName: 'q3' })).status, 201);
    } finally {
      emu.control.updateSettings({ ownedObjectQuota: 250 });
    }
  });
});
