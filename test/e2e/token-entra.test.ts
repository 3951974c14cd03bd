import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretKey } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { base64url, CompactEncrypt, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { startEntraEmulator, type EntraEmulator, type SeededApp } from '../../src/emulator/entra/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { TestWorld } from '../../src/gateway/testing/world.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { call, type Reply } from '../../src/gateway/testing/client.ts';
import { createOAuthTokenPolicy } from '../../src/gateway/policies/oauth-token/policy.ts';
import { JwksRegistry } from '../../src/gateway/policies/oauth-token/jwks-registry.ts';
import { startJwksServer, type TestJwksServer } from '../../src/gateway/policies/oauth-token/test-kit.ts';
import { getJson } from '../../src/gateway/policies/oauth-token/http-json.ts';

/**
 * Real Entra-shaped tokens from the emulator (v1 and v2 resources) called through a real gateway, and the
 * security table of issue 5: every forged, stale, foreign or misplaced token is refused and never reaches the upstream.
 */
describe('oauth-token with the Entra emulator', () => {
  let emulator: EntraEmulator;
  let dataDir: string;
  let agent: Agent;
  let store: Store;
  let gateway: Gateway;
  let flaky: Gateway;
  let upstream: TestUpstream;
  let jwksFront: TestJwksServer;
  let v2Resource: SeededApp;
  let v1Resource: SeededApp;
  const clients: Record<'good' | 'noContract' | 'rejected' | 'revoked' | 'grapher' | 'foreign', SeededApp> = {} as never;
  const V1_URI = 'api://gatehouse-e2e-v1';
  const V2_URI = 'api://gatehouse-e2e-v2';

  async function token(client: SeededApp, scope: string, tenantId = emulator.tenantId): Promise<string> {
    const response = await fetch(`${emulator.url}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret!, scope }),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    assert.equal(response.status, 200, body.error_description);
    return body.access_token!;
  }

  /** The emulator's active private signing key, read from its data folder, to forge tokens with a valid signature. */
  async function emulatorKey(): Promise<{ kid: string; key: CryptoKey; publicJwk: JWK }> {
    const stored = JSON.parse(readFileSync(join(dataDir, 'signing-keys.json'), 'utf8')) as { activeKid: string; keys: Array<{ kid: string; privateJwk: JWK }> };
    const active = stored.keys.find((k) => k.kid === stored.activeKid)!;
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = active.privateJwk;
    return { kid: active.kid, key: (await importJWK({ ...active.privateJwk, alg: 'RS256' }, 'RS256')) as CryptoKey, publicJwk };
  }

  const claimsOf = (jwt: string): JWTPayload => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
  const headerOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());
  async function reSign(jwt: string, changes: JWTPayload, signer?: { kid: string; key: CryptoKey }): Promise<string> {
    const { kid, key } = signer ?? (await emulatorKey());
    return new SignJWT({ ...claimsOf(jwt), ...changes }).setProtectedHeader({ ...headerOf(jwt), alg: 'RS256', kid } as never).sign(key);
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gh-token-e2e-'));
    emulator = await startEntraEmulator({ dataDir, tenants: 2 });
    agent = new Agent({ connect: { ca: emulator.caCertPem } });
    const c = emulator.control;
    v2Resource = c.seedApp({ displayName: 'sandbox resource v2', identifierUris: [V2_URI], requestedAccessTokenVersion: 2, withSecret: false });
    v1Resource = c.seedApp({ displayName: 'sandbox resource v1', identifierUris: [V1_URI], requestedAccessTokenVersion: null, withSecret: false });
    clients.good = c.seedApp({ displayName: 'good client' });
    clients.noContract = c.seedApp({ displayName: 'no contract' });
    clients.rejected = c.seedApp({ displayName: 'rejected' });
    clients.revoked = c.seedApp({ displayName: 'revoked' });
    clients.grapher = c.seedApp({ displayName: 'graph caller', permissions: ['Application.Read.All'] });
    clients.foreign = c.seedApp({ displayName: 'other tenant client', tenantId: emulator.tenants[1]! });
    c.seedApp({ displayName: 'other tenant resource', tenantId: emulator.tenants[1]!, identifierUris: [V2_URI], requestedAccessTokenVersion: 2, withSecret: false });

    upstream = await startUpstream();
    const entra = { kind: 'entra', tenantId: emulator.tenantId, authorityHost: emulator.url,
      issuerHosts: { v1: 'https://sts.windows.net', v2: 'https://login.microsoftonline.com' } };
    const w = new TestWorld();
    const env = w.env();
    const v2Api = w.api(env, '/v2', upstream.url, [{ type: 'oauth-token', config: { issuer: entra, audiences: [v2Resource.clientId, V2_URI] } }]);
    const v1Api = w.api(env, '/v1', upstream.url, [{ type: 'oauth-token', config: { issuer: entra, audiences: [v1Resource.clientId, V1_URI], forwardToken: true } }]);
    jwksFront = await startJwksServer([]);
    const viaFront = { ...entra, authorityHost: jwksFront.url };
    const flakyApi = w.api(env, '/flaky', upstream.url, [{ type: 'oauth-token', config: { issuer: viaFront, audiences: [v2Resource.clientId], jwksCacheMaxStaleSeconds: 3600 } }]);
    const states = { good: 'approved', noContract: null, rejected: 'rejected', revoked: 'revoked', grapher: 'approved', foreign: 'approved' } as const;
    for (const [name, client] of Object.entries(clients)) {
      const app = w.app(env, client.clientId);
      const state = states[name as keyof typeof states];
      if (state) for (const api of [v2Api, v1Api, flakyApi]) w.contract(app, api, w.tier(api, 1000, 60), state);
    }
    store = await openStore({ url: 'sqlite::memory:' });
    await w.writeTo(store);
    const jwks = new JwksRegistry({ dispatcher: agent, fetchTimeoutMs: 5000, cooldownMs: 0 });
    gateway = await startGateway({ store, port: 0, pollIntervalMs: 60_000, policyFactories: [createOAuthTokenPolicy({ jwks })] });
    // Short timeout only while the front hangs: a loaded machine may be slow to answer loopback calls.
    const flakyJwks = new JwksRegistry({ cooldownMs: 0, refreshIntervalMs: 0, getJson: (url, o) => getJson(url, { ...o, timeoutMs: jwksFront.mode === 'hang' ? 300 : 5000 }) });
    flaky = await startGateway({ store, port: 0, pollIntervalMs: 60_000, policyFactories: [createOAuthTokenPolicy({ jwks: flakyJwks })] });
  });

  after(async () => {
    await gateway?.close();
    await flaky?.close();
    await upstream?.close();
    await jwksFront?.close();
    await store?.close();
    await emulator?.close();
    await agent?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string | string[]> = {}, base = gateway.url): Promise<Reply> => call(base, path, { headers });
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

  test('a v2 token (resource requestedAccessTokenVersion 2) passes; the token is stripped before the upstream', async () => {
    const t = await token(clients.good, `${V2_URI}/.default`);
    assert.equal(claimsOf(t).ver, '2.0');
    const seen = upstream.seen.length;
    const reply = await get('/v2/orders?x=1', bearer(t));
    assert.equal(reply.status, 200, reply.body);
    assert.equal(upstream.seen.length, seen + 1);
    assert.equal(upstream.seen.at(-1)!.url, '/orders?x=1');
    assert.equal(upstream.seen.at(-1)!.headers.authorization, undefined);
  });

  test('a v1 token (audience = App ID URI) passes; forwardToken sends it on', async () => {
    const t = await token(clients.good, `${V1_URI}/.default`);
    assert.equal(claimsOf(t).ver, '1.0');
    assert.equal(claimsOf(t).aud, V1_URI);
    const reply = await get('/v1/x', bearer(t));
    assert.equal(reply.status, 200, reply.body);
    assert.equal(upstream.seen.at(-1)!.headers.authorization, `Bearer ${t}`);
  });

  test('security table: each bad request is refused with its reason and never reaches the upstream', async () => {
    const good = await token(clients.good, `${V2_URI}/.default`);
    const goodV1 = await token(clients.good, `${V1_URI}/.default`);
    const [, payload] = good.split('.');
    const { publicJwk } = await emulatorKey();
    const own = await generateKeyPair('RS256');
    const c = emulator.control;
    const nowS = Math.floor(Date.now() / 1000);
    // Seeded secrets start "now", so the emulator cannot mint in the past: re-sign with its key instead.
    const expired = await reSign(good, { iat: nowS - 7200, nbf: nowS - 7200, exp: nowS - 3600 });
    c.clock.set(Date.now() + 600_000);
    const future = await token(clients.good, `${V2_URI}/.default`);
    c.clock.set(Date.now());
    c.updateSettings({ issuerStyle: 'local' });
    const localIssuer = await token(clients.good, `${V2_URI}/.default`);
    c.updateSettings({ issuerStyle: 'production' });
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claimsOf(good))))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(new Uint8Array(32));

    const rows: Array<[string, () => Promise<Record<string, string | string[]>> | Record<string, string | string[]>, number, string, string?]> = [
      ['alg none', () => bearer(`${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`), 401, 'TOKEN_ALG_NOT_ALLOWED'],
      ['HS256 signed with the RSA public key', async () => bearer(await new SignJWT(claimsOf(good)).setProtectedHeader({ alg: 'HS256', kid: headerOf(good).kid as string })
        .sign(createSecretKey(Buffer.from(JSON.stringify(publicJwk))))), 401, 'TOKEN_ALG_NOT_ALLOWED'],
      ['kid not in the JWKS', async () => bearer(await new SignJWT(claimsOf(good)).setProtectedHeader({ alg: 'RS256', kid: 'not-published' }).sign(own.privateKey)), 401, 'TOKEN_UNKNOWN_KEY'],
      ['tampered payload', () => bearer(`${good.split('.')[0]}.${base64url.encode(JSON.stringify({ ...claimsOf(good), azp: clients.noContract.clientId }))}.${good.split('.')[2]}`), 401, 'TOKEN_BAD_SIGNATURE'],
      ['tampered signature', () => bearer(good.slice(0, -6) + (good.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA')), 401, 'TOKEN_BAD_SIGNATURE'],
      ['expired', () => bearer(expired), 401, 'TOKEN_EXPIRED'],
      ['not yet valid', () => bearer(future), 401, 'TOKEN_NOT_YET_VALID'],
      ['wrong issuer (emulator-local issuer)', () => bearer(localIssuer), 401, 'TOKEN_BAD_ISSUER'],
      ['token from another tenant', async () => bearer(await token(clients.foreign, `${V2_URI}/.default`, emulator.tenants[1]!)), 401, 'TOKEN_BAD_ISSUER'],
      ['v1 token carrying the v2 issuer', async () => bearer(await reSign(goodV1, { iss: `https://login.microsoftonline.com/${emulator.tenantId}/v2.0` })), 401, 'TOKEN_BAD_ISSUER', '/v1/x'],
      ['v2 token carrying the v1 issuer', async () => bearer(await reSign(good, { iss: `https://sts.windows.net/${emulator.tenantId}/` })), 401, 'TOKEN_BAD_ISSUER'],
      ['wrong audience (a Graph token)', async () => bearer(await token(clients.grapher, 'https://graph.microsoft.com/.default')), 401, 'TOKEN_BAD_AUDIENCE'],
      ['v1-resource token on the v2 API', () => bearer(goodV1), 401, 'TOKEN_BAD_AUDIENCE'],
      ['client with no contract', async () => bearer(await token(clients.noContract, `${V2_URI}/.default`)), 403, 'NO_CONTRACT'],
      ['client with a rejected contract', async () => bearer(await token(clients.rejected, `${V2_URI}/.default`)), 403, 'NO_CONTRACT'],
      ['client with a revoked contract', async () => bearer(await token(clients.revoked, `${V2_URI}/.default`)), 403, 'NO_CONTRACT'],
      ['no Authorization header', () => ({}), 401, 'TOKEN_MISSING'],
      ['two Authorization headers', () => ({ authorization: [`Bearer ${good}`, `Bearer ${good}`] }), 400, 'TOKEN_MULTIPLE_HEADERS'],
      ['token in the query string', () => ({}), 400, 'TOKEN_IN_QUERY', `/v2/x?access_token=${good}`],
      ['oversize token', () => bearer(good + 'A'.repeat(9000)), 401, 'TOKEN_TOO_LARGE'],
      ['a JWE', () => bearer(jwe), 401, 'TOKEN_ENCRYPTED'],
      ['Basic credentials on a token API', () => ({ authorization: 'Basic Y2xpZW50OnNlY3JldA==' }), 401, 'TOKEN_MISSING'],
    ];
    const seenBefore = upstream.seen.length;
    for (const [name, headers, status, reason, path] of rows) {
      const reply = await get(path ?? '/v2/x', await headers());
      assert.equal(reply.status, status, `${name}: ${reply.body}`);
      assert.equal(reply.json().reason, reason, name);
      if (status === 401 && reason !== 'TOKEN_MISSING') {
        assert.match(String(reply.headers['www-authenticate']), /^Bearer realm="gatehouse", error="invalid_token", error_description="[^"]+"$/, name);
      }
      if (reason === 'TOKEN_MISSING') assert.equal(reply.headers['www-authenticate'], 'Bearer realm="gatehouse"', name);
      if (status === 400) assert.match(String(reply.headers['www-authenticate']), /error="invalid_request"/, name);
    }
    assert.equal(upstream.seen.length, seenBefore, 'no refused call reached the upstream');
  });

  test('JWKS answer not JSON, JWKS server hanging or down: cached keys still pass, unknown kids fail closed', async () => {
    const current = (await (await fetch(`${emulator.url}/${emulator.tenantId}/discovery/v2.0/keys`, { dispatcher: agent })).json()) as { keys: JWK[] };
    jwksFront.keys = current.keys;
    jwksFront.mode = 'ok';
    const good = await token(clients.good, `${V2_URI}/.default`);
    assert.equal((await get('/flaky/x', bearer(good), flaky.url)).status, 200);
    const cachedSigner = await emulatorKey();

    await emulator.control.rotateSigningKeys({ emergency: true }); // new kid the front does not serve
    const unknownKid = await token(clients.good, `${V2_URI}/.default`);
    for (const mode of ['not_json', 'hang', 'error'] as const) {
      jwksFront.mode = mode;
      const fresh = await token(clients.good, `${V2_URI}/.default`); // never seen: no verified-token cache entry
      // A token the gateway has not seen yet (so no verified-token cache entry) signed by the key it cached.
      const cachedKey = await reSign(good, { uti: base64url.encode(crypto.getRandomValues(new Uint8Array(8))) }, cachedSigner);
      const ok = await get('/flaky/x', bearer(cachedKey), flaky.url);
      assert.equal(ok.status, 200, `${mode}: token signed by a cached key: ${ok.body}`);
      for (const t of [unknownKid, fresh]) {
        const denied = await get('/flaky/x', bearer(t), flaky.url);
        assert.equal(denied.status, 503, `${mode}: ${denied.body}`);
        assert.equal(denied.json().reason, 'JWKS_UNAVAILABLE');
      }
    }
    jwksFront.mode = 'ok';
  });

});
