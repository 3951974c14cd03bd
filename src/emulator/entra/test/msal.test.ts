import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startEntraEmulator, type EntraEmulator } from '../index.ts';
import { sharedTestDataDir, trustingFetch } from './helpers.ts';

describe('msal-node against the emulator', () => {
  let emu: EntraEmulator;
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir() });
  });
  after(() => emu.close());

  function msalClient(auth: { clientId: string; clientSecret?: string }) {
    return new ConfidentialClientApplication({
      auth: { ...auth, authority: `${emu.url}/${emu.tenantId}`, knownAuthorities: [new URL(emu.url).host] },
      system: { customAgentOptions: { ca: emu.caCertPem } },
    });
  }

  async function jwks(version: 1 | 2) {
    const path = version === 2 ? 'discovery/v2.0/keys' : 'discovery/keys';
    const res = await trustingFetch(emu)(`${emu.url}/${emu.tenantId}/${path}`);
    return createLocalJWKSet((await res.json()) as never);
  }

  test('acquires a v1 Graph token with a secret; it verifies against the JWKS with the v1 claim set', async () => {
    const result = await msalClient({ clientId: emu.admin.clientId, clientSecret: emu.admin.clientSecret })
      .acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    assert.ok(result?.accessToken);
    const { payload, protectedHeader } = await jwtVerify(result.accessToken, await jwks(1), {
      issuer: `https://sts.windows.net/${emu.tenantId}/`,
      audience: 'https://graph.microsoft.com',
      algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.x5t, protectedHeader.kid);
    assert.equal(payload.ver, '1.0');
    assert.equal(payload.appid, emu.admin.clientId);
    assert.equal(payload.appidacr, '1');
    assert.equal(payload.tid, emu.tenantId);
    assert.equal(payload.oid, emu.admin.servicePrincipalId);
    assert.equal(payload.sub, emu.admin.servicePrincipalId);
    assert.deepEqual(payload.roles, ['Application.ReadWrite.OwnedBy']);
    assert.equal(typeof payload.uti, 'string');
    assert.equal(payload.exp! - payload.iat!, 3599);
    assert.equal(payload.nbf, payload.iat);
    assert.equal(payload.azp, undefined);
  });

  test('a resource asking for v2 tokens gets them: v2 issuer, aud = appId, azp/azpacr', async () => {
    const api = emu.control.seedApp({ displayName: 'orders-api', identifierUris: ['api://orders'], requestedAccessTokenVersion: 2, withSecret: false,
      appRoles: [{ id: '6f0e5a36-3a8c-4e0a-9a53-6f0ad9c0b0a1', value: 'Orders.Read', displayName: 'Read orders', description: 'Read orders', allowedMemberTypes: ['Application'], isEnabled: true }] });
    const client = emu.control.seedApp({ displayName: 'shop' });
    emu.control.grantAppRole({ clientAppId: client.clientId, resourceAppId: api.clientId, role: 'Orders.Read' });
    const result = await msalClient({ clientId: client.clientId, clientSecret: client.clientSecret! })
      .acquireTokenByClientCredential({ scopes: ['api://orders/.default'] });
    const { payload, protectedHeader } = await jwtVerify(result!.accessToken, await jwks(2), {
      issuer: `https://login.microsoftonline.com/${emu.tenantId}/v2.0`,
      audience: api.clientId,
    });
    assert.equal(protectedHeader.x5t, undefined);
    assert.equal(payload.ver, '2.0');
    assert.equal(payload.azp, client.clientId);
    assert.equal(payload.azpacr, '1');
    assert.equal(payload.oid, client.servicePrincipalId);
    assert.deepEqual(payload.roles, ['Orders.Read']);
    assert.equal(payload.appid, undefined);
    assert.equal(payload.idtyp, undefined);
  });

  test('v1 resource requested by App ID URI echoes the URI in aud; by appId GUID echoes the GUID; no roles claim without grants', async () => {
    const api = emu.control.seedApp({ displayName: 'billing-api', identifierUris: ['api://billing'], withSecret: false });
    const client = emu.control.seedApp({ displayName: 'billing-client' });
    const cca = msalClient({ clientId: client.clientId, clientSecret: client.clientSecret! });
    const byUri = await cca.acquireTokenByClientCredential({ scopes: ['api://billing/.default'] });
    const byGuid = await cca.acquireTokenByClientCredential({ scopes: [`${api.clientId}/.default`] });
    const set = await jwks(1);
    const a = await jwtVerify(byUri!.accessToken, set, { audience: 'api://billing' });
    const b = await jwtVerify(byGuid!.accessToken, set, { audience: api.clientId });
    assert.equal(a.payload.roles, undefined);
    assert.equal(b.payload.ver, '1.0');
  });

  test('works with authorityMetadata + cloudDiscoveryMetadata instead of knownAuthorities', async () => {
    const host = new URL(emu.url).host;
    const base = `${emu.url}/${emu.tenantId}`;
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: emu.admin.clientId,
        clientSecret: emu.admin.clientSecret,
        authority: base,
        authorityMetadata: JSON.stringify({
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`, token_endpoint: `${base}/oauth2/v2.0/token`,
          issuer: `https://login.microsoftonline.com/${emu.tenantId}/v2.0`, jwks_uri: `${base}/discovery/v2.0/keys`, end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        }),
        cloudDiscoveryMetadata: JSON.stringify({ tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`, metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }] }),
      },
      system: { customAgentOptions: { ca: emu.caCertPem } },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const { payload } = await jwtVerify(result!.accessToken, await jwks(1), { audience: 'https://graph.microsoft.com' });
    assert.equal(payload.appid, emu.admin.clientId);
  });

  test('tokens keep verifying after a planned key rotation, but not after an emergency rotation', async () => {
    const cca = msalClient({ clientId: emu.admin.clientId, clientSecret: emu.admin.clientSecret });
    const before = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true });
    const oldKid = decodeProtectedHeader(before!.accessToken).kid;
    const rotated = await emu.control.rotateSigningKeys();
    assert.notEqual(rotated.activeKid, oldKid);
    assert.ok(rotated.publishedKids.includes(oldKid!));
    await jwtVerify(before!.accessToken, await jwks(1));
    const after = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true });
    assert.equal(decodeProtectedHeader(after!.accessToken).kid, rotated.activeKid);
    await emu.control.rotateSigningKeys({ emergency: true });
    await assert.rejects(jwtVerify(before!.accessToken, await jwks(1)), /no applicable key|matching key/i);
  });
});
