import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { startEntraEmulator, type EntraEmulator } from '../index.ts';
import { graphClient, sharedTestDataDir, tokenFor, tokenRequest, trustingFetch } from './helpers.ts';
import { makeCertificate, type TestCertificate } from './certificates.ts';

describe('certificate credentials: private_key_jwt and addKey/removeKey', () => {
  let emu: EntraEmulator;
  let graph: ReturnType<typeof graphClient>;
  let app: { id: string; appId: string };
  let cert1: TestCertificate;
  let cert2: TestCertificate;
  before(async () => {
    emu = await startEntraEmulator({ dataDir: await sharedTestDataDir() });
    graph = graphClient(emu, await tokenFor(emu, emu.admin.clientId, emu.admin.clientSecret));
    [cert1, cert2] = await Promise.all([makeCertificate('one'), makeCertificate('two')]);
    app = (await graph('POST', '/v1.0/applications', { displayName: 'cert-client' })).body;
    const patched = await graph('PATCH', `/v1.0/applications/${app.id}`, { keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert1.keyB64, displayName: 'CN=one' }] });
    assert.equal(patched.status, 204);
    assert.equal((await graph('POST', '/v1.0/servicePrincipals', { appId: app.appId })).status, 201);
  });
  after(() => emu.close());

  const msal = (cert: TestCertificate) => new ConfidentialClientApplication({
    auth: {
      clientId: app.appId,
      authority: `${emu.url}/${emu.tenantId}`,
      knownAuthorities: [new URL(emu.url).host],
      clientCertificate: { thumbprintSha256: cert.thumbprintSha256Hex, privateKey: cert.privateKeyPem },
    },
    system: { customAgentOptions: { ca: emu.caCertPem } },
  });

  async function proof(cert: TestCertificate, overrides: Record<string, unknown> = {}) {
    const now = Math.floor(emu.control.clock.now() / 1000);
    return new SignJWT({ aud: '00000002-0000-0000-c000-000000000000', iss: app.id, nbf: now, exp: now + 600, ...overrides })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .sign(cert.privateKey);
  }

  test('msal-node gets a token with a certificate; appidacr is "2"', async () => {
    const result = await msal(cert1).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const keys = createLocalJWKSet((await (await trustingFetch(emu)(`${emu.url}/${emu.tenantId}/discovery/keys`)).json()) as never);
    const { payload } = await jwtVerify(result!.accessToken, keys, { issuer: `https://sts.windows.net/${emu.tenantId}/`, audience: 'https://graph.microsoft.com' });
    assert.equal(payload.appid, app.appId);
    assert.equal(payload.appidacr, '2');
  });

  test('keyCredential bytes are hidden unless $selected', async () => {
    const plain = await graph('GET', `/v1.0/applications/${app.id}`);
    assert.equal(plain.body.keyCredentials[0].key, null);
    const selected = await graph('GET', `/v1.0/applications/${app.id}?$select=keyCredentials`);
    assert.equal(selected.body.keyCredentials[0].key, cert1.keyB64);
  });

  test('an unknown certificate or a bad audience is refused (700027 / 700021); an expired assertion gives 700024', async () => {
    const stranger = await makeCertificate('stranger');
    await assert.rejects(msal(stranger).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }), /AADSTS700027/);
    const assertion = (claims: Record<string, unknown>, cert = cert1) => new SignJWT({ iss: app.appId, sub: app.appId, jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', 'x5t#S256': Buffer.from(cert.thumbprintSha256Hex, 'hex').toString('base64url') })
      .sign(cert.privateKey);
    const now = Math.floor(emu.control.clock.now() / 1000);
    const form = (jwt: string) => ({ grant_type: 'client_credentials', client_id: app.appId, scope: 'https://graph.microsoft.com/.default', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt });
    const ok = await tokenRequest(emu, form(await assertion({ aud: `https://login.microsoftonline.com/${emu.tenantId}/oauth2/v2.0/token`, iat: now, nbf: now, exp: now + 600 })));
    assert.equal(ok.status, 200, 'the real Entra audience is accepted too');
    const wrongAud = await tokenRequest(emu, form(await assertion({ aud: 'https://example.com/token', nbf: now, exp: now + 600 })));
    assert.equal(((await wrongAud.json()) as any).error_codes[0], 700021);
    const expired = await tokenRequest(emu, form(await assertion({ aud: `${emu.url}/${emu.tenantId}/oauth2/v2.0/token`, nbf: now - 7200, exp: now - 3600 })));
    assert.equal(((await expired.json()) as any).error_codes[0], 700024);
  });

  test('addKey with proof of possession adds a certificate; removeKey removes the old one', async () => {
    const noProof = await graph('POST', `/v1.0/applications/${app.id}/addKey`, { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert2.keyB64 }, passwordCredential: null, proof: 'not-a-jwt' });
    assert.equal(noProof.status, 401);
    assert.equal(noProof.body.error.code, 'Authentication_MissingOrMalformed');
    const wrongIss = await graph('POST', `/v1.0/applications/${app.id}/addKey`, { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert2.keyB64 }, passwordCredential: null, proof: await proof(cert1, { iss: app.appId }) });
    assert.equal(wrongIss.status, 400);
    const signedByStranger = await graph('POST', `/v1.0/applications/${app.id}/addKey`, { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert2.keyB64 }, passwordCredential: null, proof: await proof(cert2) });
    assert.equal(signedByStranger.status, 401);

    // No Graph permission is needed to roll one's own keys: use a token of an app with no roles at all.
    const bare = emu.control.seedApp({ displayName: 'no permissions' });
    const bareGraph = graphClient(emu, await tokenFor(emu, bare.clientId, bare.clientSecret!));
    const added = await bareGraph('POST', `/v1.0/applications/${app.id}/addKey`, { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert2.keyB64 }, passwordCredential: null, proof: await proof(cert1) });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(added.body.type, 'AsymmetricX509Cert');
    const result = await msal(cert2).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    assert.ok(result?.accessToken);

    const keys = (await graph('GET', `/v1.0/applications/${app.id}`)).body.keyCredentials;
    const oldKeyId = keys.find((k: any) => k.displayName === 'CN=one').keyId;
    const removed = await bareGraph('POST', `/v1.0/applications/${app.id}/removeKey`, { keyId: oldKeyId, proof: await proof(cert2) });
    assert.equal(removed.status, 204);
    await assert.rejects(msal(cert1).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true }), /AADSTS700027/);
  });
});
