import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEntraEmulator, type EntraEmulator, type SeededApp } from '../index.ts';
import { decodePayload, graphClient, sharedTestDataDir, tokenFor, tokenRequest, trustingFetch } from './helpers.ts';

const GRAPH = 'https://graph.microsoft.com/.default';

describe('token endpoint: AADSTS errors in Entra JSON shape', () => {
  let emu: EntraEmulator;
  let client: SeededApp;
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir() });
    client = emu.control.seedApp({ displayName: 'sts-client' });
  });
  after(() => emu.close());

  async function expectAadsts(res: Awaited<ReturnType<typeof tokenRequest>>, code: number, error: string, status: number) {
    const body = (await res.json()) as any;
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(body.error, error);
    assert.deepEqual(body.error_codes, [code]);
    assert.match(body.error_description, new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`));
    assert.match(body.trace_id, /^[0-9a-f-]{36}$/);
    assert.match(body.correlation_id, /^[0-9a-f-]{36}$/);
    assert.equal(body.error_uri, `https://login.microsoftonline.com/error?code=${code}`);
    return body;
  }
  const cc = (extra: Record<string, string>) => ({ grant_type: 'client_credentials', scope: GRAPH, ...extra });

  test('a secret works in the form body and as HTTP Basic', async () => {
    const form = await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret! }));
    const body = (await form.json()) as any;
    assert.equal(form.status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3599);
    const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret!)}`).toString('base64');
    const viaBasic = await tokenRequest(emu, { grant_type: 'client_credentials', scope: GRAPH }, { headers: { authorization: `Basic ${basic}` } });
    assert.equal(viaBasic.status, 200);
  });

  test('the v1 endpoint takes resource= and answers numbers as strings', async () => {
    const res = await tokenRequest(emu, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret!, resource: 'https://graph.microsoft.com' }, { v1: true });
    const body = (await res.json()) as any;
    assert.equal(res.status, 200);
    assert.equal(body.expires_in, '3599');
    assert.equal(body.resource, 'https://graph.microsoft.com');
    assert.equal(Number(body.expires_on) - Number(body.not_before), 3599);
    assert.equal(decodePayload(body.access_token).ver, '1.0');
  });

  test('7000215: wrong secret, or the secret id instead of the value', async () => {
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: 'wrong' })), 7000215, 'invalid_client', 401);
    const body = await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.secretKeyId! })), 7000215, 'invalid_client', 401);
    assert.match(body.error_description, /not the client secret ID/);
  });

  test('7000222: expired secret', async () => {
    emu.control.clock.advance(3 * 365 * 24 * 3600 * 1000);
    try {
      await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret! })), 7000222, 'invalid_client', 401);
    } finally {
      emu.control.clock.advance(-3 * 365 * 24 * 3600 * 1000);
    }
  });

  test('700016: unknown application', async () => {
    const body = await expectAadsts(await tokenRequest(emu, cc({ client_id: '11111111-2222-3333-4444-555555555555', client_secret: 'x' })), 700016, 'unauthorized_client', 400);
    assert.match(body.error_description, /was not found in the directory/);
  });

  test('7000229: client has no service principal', async () => {
    const noSp = emu.control.seedApp({ displayName: 'no-sp', servicePrincipal: false });
    await expectAadsts(await tokenRequest(emu, cc({ client_id: noSp.clientId, client_secret: noSp.clientSecret! })), 7000229, 'invalid_client', 400);
  });

  test('500011: resource without a service principal, or unknown', async () => {
    const api = emu.control.seedApp({ displayName: 'api-no-sp', identifierUris: ['api://no-sp'], servicePrincipal: false, withSecret: false });
    const body = await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: 'api://no-sp/.default' })), 500011, 'invalid_resource', 400);
    assert.match(body.error_description, /resource principal named api:\/\/no-sp was not found/);
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: `${api.clientId}/.default` })), 500011, 'invalid_resource', 400);
  });

  test('501051: resource requires assignment and the client has none', async () => {
    const api = emu.control.seedApp({ displayName: 'locked-api', identifierUris: ['api://locked'], appRoleAssignmentRequired: true, withSecret: false,
      appRoles: [{ id: 'd1c2b3a4-0000-4000-8000-000000000001', value: 'Use', displayName: 'Use', description: 'Use', allowedMemberTypes: ['Application'], isEnabled: true }] });
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: 'api://locked/.default' })), 501051, 'invalid_grant', 400);
    emu.control.grantAppRole({ clientAppId: client.clientId, resourceAppId: api.clientId, role: 'Use' });
    const ok = await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: 'api://locked/.default' }));
    assert.equal(ok.status, 200);
  });

  test('1002012: scope without /.default; 70011: several or empty scopes', async () => {
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: 'https://graph.microsoft.com/User.Read' })), 1002012, 'invalid_scope', 400);
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: 'api://a/.default api://b/.default' })), 70011, 'invalid_scope', 400);
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret!, scope: ' ' })), 70011, 'invalid_scope', 400);
  });

  test('90002: unknown tenant, also for discovery', async () => {
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId, client_secret: client.clientSecret! }), { tenant: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }), 90002, 'invalid_request', 400);
    const res = await trustingFetch(emu)(`${emu.url}/nope.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    assert.equal(((await res.json()) as any).error_codes[0], 90002);
  });

  test('7000112: disabled application', async () => {
    const app = emu.control.seedApp({ displayName: 'to-disable' });
    emu.control.grantPermissions(emu.admin.clientId, ['Application.ReadWrite.All']);
    const graph = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
    assert.equal((await graph('PATCH', `/v1.0/applications/${app.objectId}`, { isDisabled: true })).status, 204);
    await expectAadsts(await tokenRequest(emu, cc({ client_id: app.clientId, client_secret: app.clientSecret! })), 7000112, 'unauthorized_client', 400);
  });

  test('missing grant_type / credentials and unsupported grants', async () => {
    await expectAadsts(await tokenRequest(emu, { client_id: client.clientId, client_secret: client.clientSecret!, scope: GRAPH }), 900144, 'invalid_request', 400);
    await expectAadsts(await tokenRequest(emu, cc({ client_id: client.clientId })), 7000218, 'invalid_client', 401);
    await expectAadsts(await tokenRequest(emu, { grant_type: 'password', client_id: client.clientId }), 70003, 'unsupported_grant_type', 400);
  });

  test('tenant domain works as the tenant segment; the tenant in tokens is the GUID', async () => {
    const t = await tokenFor(emu, client.clientId, client.clientSecret!, GRAPH, 'gatehouseemu.onmicrosoft.com');
    assert.equal(decodePayload(t).tid, emu.tenantId);
  });

  test('discovery documents: v2 and v1 issuers, endpoints on the emulator, instance discovery', async () => {
    const f = trustingFetch(emu);
    const v2 = (await (await f(`${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as any;
    assert.equal(v2.issuer, `https://login.microsoftonline.com/${emu.tenantId}/v2.0`);
    assert.equal(v2.token_endpoint, `${emu.url}/${emu.tenantId}/oauth2/v2.0/token`);
    assert.equal(v2.jwks_uri, `${emu.url}/${emu.tenantId}/discovery/v2.0/keys`);
    assert.deepEqual(v2.token_endpoint_auth_methods_supported, ['client_secret_post', 'private_key_jwt', 'client_secret_basic']);
    const v1 = (await (await f(`${emu.url}/${emu.tenantId}/.well-known/openid-configuration`)).json()) as any;
    assert.equal(v1.issuer, `https://sts.windows.net/${emu.tenantId}/`);
    assert.equal(v1.jwks_uri, `${emu.url}/${emu.tenantId}/discovery/keys`);
    const common = (await (await f(`${emu.url}/common/v2.0/.well-known/openid-configuration`)).json()) as any;
    assert.equal(common.issuer, 'https://login.microsoftonline.com/{tenantid}/v2.0');
    const keys = (await (await f(`${emu.url}/${emu.tenantId}/discovery/v2.0/keys`)).json()) as any;
    assert.ok(keys.keys.length >= 2);
    assert.equal(keys.keys[0].issuer, v2.issuer);
    assert.ok(keys.keys[0].x5c[0]);
    const inst = (await (await f(`${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${emu.url}/${emu.tenantId}/oauth2/v2.0/authorize`)}`)).json()) as any;
    assert.equal(inst.tenant_discovery_endpoint, `${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`);
  });

  test("issuerStyle 'local' puts the emulator origin in iss", async () => {
    const local = await startEntraEmulator({ dataDir: await sharedTestDataDir(), issuerStyle: 'local' });
    try {
      const t = await tokenFor(local, local.admin.clientId, local.admin.clientSecret);
      assert.equal(decodePayload(t).iss, `${local.url}/${local.tenantId}/`);
      assert.equal((await graphClient(local, t)('GET', '/v1.0/applications')).status, 200);
    } finally {
      await local.close();
    }
  });

  test('several tenants: each has its own admin app; an app of one tenant is unknown in the other', async () => {
    const multi = await startEntraEmulator({ dataDir: await sharedTestDataDir(), tenants: 2 });
    try {
      assert.equal(multi.tenants.length, 2);
      const res = await tokenRequest(multi, cc({ client_id: multi.admin.clientId, client_secret: multi.admin.clientSecret }), { tenant: multi.tenants[1] });
      assert.equal(((await res.json()) as any).error_codes[0], 700016);
    } finally {
      await multi.close();
    }
  });
});
