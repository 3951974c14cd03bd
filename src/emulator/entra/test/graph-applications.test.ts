import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { startEntraEmulator, type EntraEmulator } from '../index.ts';
import { decodePayload, graphClient, sharedTestDataDir, tokenFor, tokenRequest } from './helpers.ts';
import { graphSdk } from './graph-sdk.ts';

describe('Graph applications through the Graph SDK', () => {
  let emu: EntraEmulator;
  let sdk: Client;
  let token: string;
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir() });
    token = await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret);
    sdk = graphSdk(emu, async () => token);
  });
  after(() => emu.close());

  test('create, get by id and appId, the caller becomes owner, and it shows in ownedObjects', async () => {
    const app = await sdk.api('/applications').post({ displayName: 'client-a', signInAudience: 'AzureADMyOrg' });
    assert.match(app.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(app.id, app.appId);
    assert.equal(app.signInAudience, 'AzureADMyOrg');
    assert.deepEqual(app.passwordCredentials, []);
    assert.equal(app.api.requestedAccessTokenVersion, null);
    assert.equal((await sdk.api(`/applications/${app.id}`).get()).displayName, 'client-a');
    assert.equal((await sdk.api(`/applications(appId='${app.appId}')`).get()).id, app.id);
    const owners = await sdk.api(`/applications/${app.id}/owners`).get();
    assert.deepEqual(owners.value.map((o: any) => [o['@odata.type'], o.id]), [['#microsoft.graph.servicePrincipal', emu.admin.servicePrincipalId]]);
    const owned = await sdk.api(`/servicePrincipals/${emu.admin.servicePrincipalId}/ownedObjects`).get();
    assert.ok(owned.value.some((o: any) => o.id === app.id && o['@odata.type'] === '#microsoft.graph.application'));
    const filtered = await sdk.api('/applications').filter(`appId eq '${app.appId}'`).select('id,displayName').get();
    assert.deepEqual(filtered.value, [{ id: app.id, displayName: 'client-a' }]);
  });

  test('upsert by uniqueName: 201 the first time, 204 after, never a duplicate', async () => {
    const first = await sdk.api("/applications(uniqueName='gh-app-0001')").header('Prefer', 'create-if-missing').patch({ displayName: 'upserted' });
    assert.equal(first.uniqueName, 'gh-app-0001');
    const second = await sdk.api("/applications(uniqueName='gh-app-0001')").header('Prefer', 'create-if-missing').patch({ displayName: 'upserted v2', tags: ['x'] });
    assert.equal(second, undefined); // 204
    const list = await sdk.api('/applications').filter("uniqueName eq 'gh-app-0001'").get();
    assert.equal(list.value.length, 1);
    assert.equal(list.value[0].displayName, 'upserted v2');
    assert.deepEqual(list.value[0].tags, ['x']);
    const graph = graphClient(emu, token);
    const missing = await graph('PATCH', "/v1.0/applications(uniqueName='never-created')", { displayName: 'x' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'Request_ResourceNotFound');
  });

  test('addPassword returns the secret once; it works at the token endpoint once the SP exists; removePassword revokes it', async () => {
    const app = await sdk.api('/applications').post({ displayName: 'client-b' });
    const cred = await sdk.api(`/applications/${app.id}/addPassword`).post({ passwordCredential: { displayName: 'rotation 1', endDateTime: '2030-01-01T00:00:00Z' } });
    assert.match(cred.secretText, /^[A-Za-z0-9]{3}8Q~[A-Za-z0-9._~-]{34}$/);
    assert.equal(cred.hint, cred.secretText.slice(0, 3));
    assert.equal(cred.endDateTime, '2030-01-01T00:00:00.000Z');
    const again = await sdk.api(`/applications/${app.id}`).get();
    assert.equal(again.passwordCredentials[0].secretText, null);
    assert.equal(again.passwordCredentials[0].hint, cred.hint);

    const noSp = await tokenRequest(emu, { grant_type: 'client_credentials', client_id: app.appId, client_secret: cred.secretText, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(((await noSp.json()) as any).error_codes[0], 7000229);

    const sp = await sdk.api('/servicePrincipals').post({ appId: app.appId });
    assert.equal(sp.appId, app.appId);
    assert.notEqual(sp.id, app.id);
    assert.equal(sp.servicePrincipalType, 'Application');
    const t = await tokenFor(emu, app.appId, cred.secretText);
    assert.equal(decodePayload(t).appid, app.appId);
    assert.equal(decodePayload(t).roles, undefined);
    assert.equal((await sdk.api(`/servicePrincipals(appId='${app.appId}')`).get()).id, sp.id);

    await sdk.api(`/applications/${app.id}/removePassword`).post({ keyId: cred.keyId });
    const after = await tokenRequest(emu, { grant_type: 'client_credentials', client_id: app.appId, client_secret: cred.secretText, scope: 'https://graph.microsoft.com/.default' });
    assert.equal(((await after.json()) as any).error_codes[0], 7000215);
    const graph = graphClient(emu, token);
    const unknown = await graph('POST', `/v1.0/applications/${app.id}/removePassword`, { keyId: cred.keyId });
    assert.equal(unknown.status, 404);
  });

  test('default secret lifetime is two years from now', async () => {
    const app = await sdk.api('/applications').post({ displayName: 'client-c' });
    const cred = await sdk.api(`/applications/${app.id}/microsoft.graph.addPassword`).post({});
    const lifetime = Date.parse(cred.endDateTime) - Date.parse(cred.startDateTime);
    assert.ok(lifetime >= 2 * 365 * 24 * 3600 * 1000 && lifetime <= 2 * 366 * 24 * 3600 * 1000);
  });

  test('list pages with $top and an absolute @odata.nextLink on the emulator origin', async () => {
    for (let i = 0; i < 5; i++) await sdk.api('/applications').post({ displayName: `paged-${i}` });
    const seen: string[] = [];
    let page = await sdk.api('/applications').filter("startswith(displayName,'paged-')").top(2).get();
    let pages = 1;
    while (true) {
      seen.push(...page.value.map((a: any) => a.displayName));
      if (!page['@odata.nextLink']) break;
      assert.ok(page['@odata.nextLink'].startsWith(`${emu.url}/v1.0/applications?`));
      page = await sdk.api(page['@odata.nextLink']).get();
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), ['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4']);
  });

  test('delete → deletedItems → restore → permanent delete', async () => {
    const app = await sdk.api('/applications').post({ displayName: 'to-delete', identifierUris: ['api://to-delete'] });
    await sdk.api(`/applications/${app.id}`).delete();
    const graph = graphClient(emu, token);
    assert.equal((await graph('GET', `/v1.0/applications/${app.id}`)).status, 404);
    const deleted = await sdk.api('/directory/deletedItems/microsoft.graph.application').get();
    const item = deleted.value.find((d: any) => d.id === app.id);
    assert.ok(item?.deletedDateTime);
    // A soft-deleted app still holds its identifierUris.
    const clash = await graph('POST', '/v1.0/applications', { displayName: 'clash', identifierUris: ['api://to-delete'] });
    assert.equal(clash.status, 400);
    assert.equal(clash.body.error.details[0].code, 'ObjectConflict');
    const restored = await sdk.api(`/directory/deletedItems/${app.id}/restore`).post({});
    assert.equal(restored.id, app.id);
    assert.equal(restored['@odata.type'], '#microsoft.graph.application');
    assert.equal(restored.deletedDateTime, null);
    assert.equal((await sdk.api(`/applications/${app.id}`).get()).displayName, 'to-delete');
    await sdk.api(`/applications/${app.id}`).delete();
    await sdk.api(`/directory/deletedItems/${app.id}`).delete();
    assert.equal((await graph('GET', `/v1.0/directory/deletedItems/${app.id}`)).status, 404);
  });

  test('deleted items are purged after 30 days on the emulator clock', async () => {
    const app = await sdk.api('/applications').post({ displayName: 'purge-me' });
    await sdk.api(`/applications/${app.id}`).delete();
    emu.control.clock.advance(29 * 24 * 3600 * 1000);
    const graph = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
    assert.equal((await graph('GET', `/v1.0/directory/deletedItems/${app.id}`)).status, 200);
    emu.control.clock.advance(2 * 24 * 3600 * 1000);
    const fresh = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
    assert.equal((await fresh('GET', `/v1.0/directory/deletedItems/${app.id}`)).status, 404);
    token = await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret);
  });

  test('PATCH replaces collections and keeps other properties; read-only and unknown properties are refused', async () => {
    const app = await sdk.api('/applications').post({ displayName: 'patch-me', tags: ['a', 'b'] });
    await sdk.api(`/applications/${app.id}`).patch({ tags: ['c'], identifierUris: [`api://${app.appId}`], api: { requestedAccessTokenVersion: 2 } });
    const got = await sdk.api(`/applications/${app.id}`).get();
    assert.deepEqual(got.tags, ['c']);
    assert.deepEqual(got.identifierUris, [`api://${app.appId}`]);
    assert.equal(got.api.requestedAccessTokenVersion, 2);
    assert.deepEqual(got.api.oauth2PermissionScopes, []);
    const graph = graphClient(emu, token);
    for (const bad of [{ appId: 'x' }, { nope: 1 }, { displayName: 5 }, { passwordCredentials: [{ displayName: 'x' }] }]) {
      const res = await graph('PATCH', `/v1.0/applications/${app.id}`, bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.error.code, 'Request_BadRequest');
    }
    const noName = await graph('POST', '/v1.0/applications', {});
    assert.equal(noName.status, 400);
  });
});
