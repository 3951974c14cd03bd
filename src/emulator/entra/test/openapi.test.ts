import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { startEntraEmulator, type EntraEmulator, type Exchange } from '../index.ts';
import { graphClient, sharedTestDataDir, tokenFor } from './helpers.ts';
import { GraphSchemas } from './openapi.ts';
import { makeCertificate } from './certificates.ts';

describe('every emulated Graph call validates against the Graph OpenAPI subset', () => {
  let emu: EntraEmulator;
  let exchanges: Exchange[];
  const schemas = new GraphSchemas();
  before(async () => {
    emu = await startEntraEmulator({
      dataDir: await sharedTestDataDir(),
      adminAppPermissions: ['Application.ReadWrite.OwnedBy', 'Application.Read.All', 'AppRoleAssignment.ReadWrite.All', 'AuditLog.Read.All'],
    });
    exchanges = emu.control.recordExchanges();
    await scenario(emu);
  });
  after(() => emu.close());

  test('the schemas themselves reject wrong bodies (the check can fail)', () => {
    const op = schemas.match('GET', '/v1.0/applications/abc')!;
    assert.equal(op.response(200)!({ id: 'x', displayName: 5 }), false);
    assert.equal(op.response(200)!({ id: 'x', displayName: 'ok', identifierUris: 'not-an-array' }), false);
    assert.equal(op.response(200)!({ id: 'x', displayName: 'ok' }), true);
    assert.equal(op.response(404)!({ message: 'no error wrapper' }), false);
  });

  test('request and response bodies of the recorded calls are valid', () => {
    const covered = new Set<string>();
    const failures: string[] = [];
    for (const ex of exchanges) {
      const op = schemas.match(ex.method, ex.path);
      if (!op) continue;
      covered.add(`${ex.method} ${op.template}`);
      if (op.request && ex.status < 300 && ex.requestBody !== undefined && !op.request(ex.requestBody)) {
        failures.push(`request ${ex.method} ${ex.path}: ${JSON.stringify(op.request.errors?.slice(0, 3))}`);
      }
      const validate = op.response(ex.status);
      if (ex.status === 204) {
        if (ex.responseBody !== undefined) failures.push(`204 with a body: ${ex.method} ${ex.path}`);
        continue;
      }
      if (!validate) {
        failures.push(`no response schema for ${ex.status} ${ex.method} ${op.template}`);
        continue;
      }
      if (!validate(ex.responseBody)) failures.push(`response ${ex.status} ${ex.method} ${ex.path}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
    assert.deepEqual(failures, []);
    const expected = [
      'GET /applications', 'POST /applications', 'GET /applications/{application-id}', 'PATCH /applications/{application-id}',
      'DELETE /applications/{application-id}', "GET /applications(appId='{appId}')", "PATCH /applications(uniqueName='{uniqueName}')",
      'POST /applications/{application-id}/microsoft.graph.addPassword', 'POST /applications/{application-id}/microsoft.graph.removePassword',
      'POST /applications/{application-id}/microsoft.graph.addKey', 'POST /applications/{application-id}/microsoft.graph.removeKey',
      'GET /applications/{application-id}/owners', 'POST /applications/{application-id}/owners/$ref',
      'DELETE /applications/{application-id}/owners/{directoryObject-id}/$ref',
      'GET /servicePrincipals', 'POST /servicePrincipals', 'GET /servicePrincipals/{servicePrincipal-id}', 'PATCH /servicePrincipals/{servicePrincipal-id}',
      'DELETE /servicePrincipals/{servicePrincipal-id}', "GET /servicePrincipals(appId='{appId}')",
      'GET /servicePrincipals/{servicePrincipal-id}/appRoleAssignedTo', 'POST /servicePrincipals/{servicePrincipal-id}/appRoleAssignedTo',
      'GET /servicePrincipals/{servicePrincipal-id}/ownedObjects', 'GET /directory/deletedItems', 'GET /directory/deletedItems/{directoryObject-id}',
      'DELETE /directory/deletedItems/{directoryObject-id}', 'POST /directory/deletedItems/{directoryObject-id}/microsoft.graph.restore',
      'GET /directory/deletedItems/microsoft.graph.application', 'GET /directory/deletedItems/microsoft.graph.servicePrincipal',
      'GET /directory/deletedItems/{directoryObject-id}/microsoft.graph.application',
      'GET /reports/appCredentialSignInActivities', 'GET /reports/appCredentialSignInActivities/{appCredentialSignInActivity-id}',
      'GET /reports/servicePrincipalSignInActivities', 'GET /reports/servicePrincipalSignInActivities/{servicePrincipalSignInActivity-id}',
    ];
    assert.deepEqual(expected.filter((e) => !covered.has(e)), []);
  });
});

/** Drives every operation of the subset, with successes and typical failures. */
async function scenario(emu: EntraEmulator): Promise<void> {
  const g = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
  const cert = await makeCertificate('openapi');
  const cert2 = await makeCertificate('openapi-2');
  const app = (await g('POST', '/v1.0/applications', { displayName: 'schema app', signInAudience: 'AzureADMyOrg', tags: ['a'],
    appRoles: [{ id: '3f0b4f44-5d5e-4c3b-9a55-1f5e6f7a8b9c', value: 'Do', displayName: 'Do', description: 'Do', allowedMemberTypes: ['Application'], isEnabled: true }],
    keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.keyB64 }] })).body;
  await g('POST', '/v1.0/applications', {});
  await g('GET', `/v1.0/applications/${app.id}`);
  await g('GET', `/v1.0/applications/${app.id}?$select=id,keyCredentials`);
  await g('GET', '/v1.0/applications/00000000-0000-0000-0000-000000000001');
  await g('GET', `/v1.0/applications(appId='${app.appId}')`);
  await g('GET', '/v1.0/applications?$top=1');
  await g('GET', `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${app.appId}'`)}`);
  await g('GET', '/v1.0/applications?$top=5000');
  await g('PATCH', `/v1.0/applications/${app.id}`, { identifierUris: [`api://${app.appId}`], api: { requestedAccessTokenVersion: 2 } });
  await g('PATCH', `/v1.0/applications/${app.id}`, { appId: 'nope' });
  await g('PATCH', "/v1.0/applications(uniqueName='schema-upsert')", { displayName: 'upsert' }, { prefer: 'create-if-missing' });
  await g('PATCH', "/v1.0/applications(uniqueName='schema-upsert')", { displayName: 'upsert 2' }, { prefer: 'create-if-missing' });
  await g('PATCH', "/v1.0/applications(uniqueName='absent')", { displayName: 'x' });
  const pwd = (await g('POST', `/v1.0/applications/${app.id}/addPassword`, { passwordCredential: { displayName: 'p', endDateTime: '2031-01-01T00:00:00Z' } })).body;
  await g('POST', `/v1.0/applications/${app.id}/microsoft.graph.addPassword`, {});
  await g('POST', `/v1.0/applications/${app.id}/removePassword`, { keyId: pwd.keyId });
  await g('POST', `/v1.0/applications/${app.id}/removePassword`, { keyId: pwd.keyId });
  const now = Math.floor(emu.control.clock.now() / 1000);
  const proof = (c = cert) => new SignJWT({ aud: '00000002-0000-0000-c000-000000000000', iss: app.id, nbf: now, exp: now + 600 }).setProtectedHeader({ alg: 'RS256' }).sign(c.privateKey);
  const key = (await g('POST', `/v1.0/applications/${app.id}/addKey`, { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert2.keyB64 }, proof: await proof() })).body;
  await g('POST', `/v1.0/applications/${app.id}/addKey`, { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert2.keyB64 }, passwordCredential: null, proof: 'bad' });
  await g('POST', `/v1.0/applications/${app.id}/removeKey`, { keyId: key.keyId, proof: await proof(cert2) });
  await g('GET', `/v1.0/applications/${app.id}/owners`);
  const other = emu.control.seedApp({ displayName: 'co-owner' });
  await g('POST', `/v1.0/applications/${app.id}/owners/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${other.servicePrincipalId}` });
  await g('POST', `/v1.0/applications/${app.id}/owners/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${other.servicePrincipalId}` });
  await g('DELETE', `/v1.0/applications/${app.id}/owners/${other.servicePrincipalId}/$ref`);

  const sp = (await g('POST', '/v1.0/servicePrincipals', { appId: app.appId, tags: ['WindowsAzureActiveDirectoryIntegratedApp'] })).body;
  await g('POST', '/v1.0/servicePrincipals', { appId: '00000000-0000-0000-0000-000000000009' });
  await g('GET', `/v1.0/servicePrincipals/${sp.id}`);
  await g('GET', `/v1.0/servicePrincipals(appId='${app.appId}')`);
  await g('GET', '/v1.0/servicePrincipals?$top=2');
  await g('PATCH', `/v1.0/servicePrincipals/${sp.id}`, { appRoleAssignmentRequired: true });
  const grant = { principalId: other.servicePrincipalId, resourceId: sp.id, appRoleId: '3f0b4f44-5d5e-4c3b-9a55-1f5e6f7a8b9c' };
  await g('POST', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, grant);
  await g('POST', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`, grant);
  await g('GET', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo`);
  await g('GET', `/v1.0/servicePrincipals/${emu.admin.servicePrincipalId}/ownedObjects`);
  await tokenFor(emu, other.clientId, other.clientSecret!, `api://${app.appId}/.default`);
  await g('DELETE', `/v1.0/servicePrincipals/${sp.id}`);

  await g('DELETE', `/v1.0/applications/${app.id}`);
  await g('GET', '/v1.0/directory/deletedItems');
  await g('GET', '/v1.0/directory/deletedItems/microsoft.graph.application');
  await g('GET', '/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal');
  await g('GET', `/v1.0/directory/deletedItems/${app.id}`);
  await g('GET', `/v1.0/directory/deletedItems/${app.id}/microsoft.graph.application`);
  await g('POST', `/v1.0/directory/deletedItems/${app.id}/restore`);
  await g('POST', `/v1.0/directory/deletedItems/${app.id}/restore`);
  await g('DELETE', `/v1.0/applications/${app.id}`);
  await g('DELETE', `/v1.0/directory/deletedItems/${app.id}`);

  await g('GET', '/beta/reports/servicePrincipalSignInActivities');
  await g('GET', `/beta/reports/servicePrincipalSignInActivities/${other.servicePrincipalId}`);
  await g('GET', '/beta/reports/appCredentialSignInActivities');
  await g('GET', `/beta/reports/appCredentialSignInActivities/${other.secretKeyId}`);
  await g('GET', '/beta/reports/appCredentialSignInActivities/unknown');
  emu.control.setLicence('free');
  await g('GET', '/beta/reports/appCredentialSignInActivities');
  await g('GET', '/beta/reports/servicePrincipalSignInActivities');
  emu.control.setLicence('P2');
}
