import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEntraEmulator, type EntraEmulator } from '../index.ts';
import { graphClient, sharedTestDataDir, tokenFor, tokenRequest, trustingFetch } from './helpers.ts';

describe('audit logs and sign-in reports', () => {
  let emu: EntraEmulator;
  let graph: ReturnType<typeof graphClient>;
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir(), adminAppPermissions: ['Application.ReadWrite.OwnedBy', 'AuditLog.Read.All'] });
    graph = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
  });
  after(() => emu.close());

  test('directoryAudits record Entra activity names and key descriptions, never the secret', async () => {
    const app = (await graph('POST', '/v1.0/applications', { displayName: 'audited' })).body;
    const cred = (await graph('POST', `/v1.0/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'first' } })).body;
    await graph('POST', `/v1.0/applications/${app.id}/removePassword`, { keyId: cred.keyId });
    await graph('DELETE', `/v1.0/applications/${app.id}`);

    const all = await graph('GET', '/v1.0/auditLogs/directoryAudits?$top=999');
    assert.ok(!JSON.stringify(all.body).includes(cred.secretText));
    const forApp = all.body.value.filter((e: any) => e.targetResources[0].id === app.id);
    const names = forApp.map((e: any) => e.activityDisplayName).reverse();
    assert.deepEqual(names, [
      'Add application', 'Add owner to application',
      'Update application – Certificates and secrets management', 'Update application',
      'Update application – Certificates and secrets management', 'Update application',
      'Delete application',
    ]);
    const added = forApp.find((e: any) => e.activityDisplayName.startsWith('Update application –') && e.targetResources[0].modifiedProperties[0].oldValue === '[]');
    assert.equal(added.category, 'ApplicationManagement');
    assert.equal(added.loggedByService, 'Core Directory');
    assert.equal(added.operationType, 'Update');
    assert.equal(added.initiatedBy.app.appId, emu.admin.clientId);
    assert.equal(added.initiatedBy.app.servicePrincipalId, emu.admin.servicePrincipalId);
    assert.deepEqual(added.targetResources[0].modifiedProperties[0], {
      displayName: 'KeyDescription', oldValue: '[]',
      newValue: JSON.stringify([`[KeyIdentifier=${cred.keyId},KeyType=Password,KeyUsage=Verify,DisplayName=first]`]),
    });
    const filtered = await graph('GET', `/v1.0/auditLogs/directoryAudits?$filter=${encodeURIComponent("activityDisplayName eq 'Delete application'")}`);
    assert.ok(filtered.body.value.length >= 1);
    assert.ok(filtered.body.value.every((e: any) => e.activityDisplayName === 'Delete application'));
  });

  test('audit logs need AuditLog.Read.All', async () => {
    const plain = emu.control.seedApp({ displayName: 'no audit', permissions: ['Application.Read.All'] });
    const g = graphClient(emu, await tokenFor(emu, plain.clientId, plain.clientSecret!));
    assert.equal((await g('GET', '/v1.0/auditLogs/directoryAudits')).status, 403);
    assert.equal((await g('GET', '/beta/reports/appCredentialSignInActivities')).status, 403);
  });

  test('sign-in logs and reports need Entra ID P1/P2: a free tenant gets 403 NonPremium, set through the admin API', async () => {
    const admin = trustingFetch(emu);
    const put = (body: unknown) => admin(`${emu.url}/_emulator/licence`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const current = await (await admin(`${emu.url}/_emulator/licence`)).json() as { tenants: { tenantId: string; licence: string }[] };
    assert.deepEqual(current.tenants, [{ tenantId: emu.tenantId, licence: 'P2' }], 'premium by default');
    assert.equal((await put({ licence: 'E5' })).status, 400);
    const set = await put({ licence: 'free', tenantId: emu.tenantId });
    assert.equal(set.status, 200);
    assert.deepEqual(await set.json(), { tenantId: emu.tenantId, licence: 'free' });
    try {
      for (const path of ['/beta/reports/appCredentialSignInActivities', '/beta/reports/servicePrincipalSignInActivities', '/beta/auditLogs/signIns']) {
        const r = await graph('GET', path);
        assert.equal(r.status, 403, path);
        assert.equal(r.body.error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
        assert.equal(r.body.error.message, "Neither tenant is B2C or tenant doesn't have premium license");
      }
      assert.equal((await graph('GET', '/v1.0/auditLogs/directoryAudits?$top=1')).status, 200, 'directory audits come with every licence');
      const state = emu.control.state() as { tenants: { licence: string }[] };
      assert.equal(state.tenants[0]!.licence, 'free');
      // Without the permission the permission is what Graph complains about, whatever the licence.
      const plain = emu.control.seedApp({ displayName: 'no audit, free tenant', permissions: ['Application.Read.All'] });
      const g = graphClient(emu, await tokenFor(emu, plain.clientId, plain.clientSecret!));
      const denied = await g('GET', '/beta/reports/appCredentialSignInActivities');
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'Authorization_RequestDenied');
    } finally {
      emu.control.setLicence('P1');
    }
    assert.equal((await graph('GET', '/beta/reports/appCredentialSignInActivities')).status, 200, 'P1 is enough');
    emu.control.setLicence('P2');
  });

  test('beta reports: last sign-in per service principal and per credential, fed by the token endpoint', async () => {
    const api = emu.control.seedApp({ displayName: 'reported-api', identifierUris: ['api://reported'], withSecret: false });
    const client = emu.control.seedApp({ displayName: 'reported-client' });
    await tokenFor(emu, client.clientId, client.clientSecret!, 'api://reported/.default');
    emu.control.clock.advance(60_000);
    const failed = await tokenRequest(emu, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'wrong', scope: 'api://reported/.default' });
    assert.equal(failed.status, 401);

    const sps = await graph('GET', `/beta/reports/servicePrincipalSignInActivities?$filter=${encodeURIComponent(`appId eq '${client.clientId}'`)}`);
    assert.equal(sps.status, 200);
    const mine = sps.body.value[0];
    assert.equal(mine.id, client.servicePrincipalId);
    const client1 = mine.applicationAuthenticationClientSignInActivity;
    assert.ok(Date.parse(client1.lastSignInDateTime) > Date.parse(client1.lastSuccessfulSignInDateTime), 'the failure is the latest sign-in');
    const asResource = (await graph('GET', `/beta/reports/servicePrincipalSignInActivities/${api.servicePrincipalId}`)).body;
    assert.ok(asResource.applicationAuthenticationResourceSignInActivity.lastSuccessfulSignInDateTime);

    const creds = await graph('GET', '/beta/reports/appCredentialSignInActivities');
    const used = creds.body.value.find((c: any) => c.keyId === client.secretKeyId);
    assert.equal(used.appId, client.clientId);
    assert.equal(used.appObjectId, client.objectId);
    assert.equal(used.keyType, 'clientSecret');
    assert.equal(used.credentialOrigin, 'application');
    assert.equal(used.resourceId, api.servicePrincipalId);
    assert.ok(used.signInActivity.lastSuccessfulSignInDateTime);

    const signIns = await graph('GET', `/beta/auditLogs/signIns?$filter=${encodeURIComponent("signInEventTypes/any(t: t eq 'servicePrincipal')")}`);
    const failure = signIns.body.value.find((s: any) => s.appId === client.clientId && s.status.errorCode === 7000215);
    assert.ok(failure);
    assert.equal(failure.clientCredentialType, 'clientSecret');
    assert.equal((await graph('GET', '/v1.0/reports/appCredentialSignInActivities')).status, 400, 'beta only');
  });
});
