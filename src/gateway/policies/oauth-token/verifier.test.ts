import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { base64url, CompactEncrypt, SignJWT, type JWTPayload } from 'jose';
import { createSecretKey } from 'node:crypto';
import { ManualClock } from '../../../core/clock.ts';
import { oauthTokenConfigSchema, type OAuthTokenConfigInput } from './config.ts';
import { JwksRegistry } from './jwks-registry.ts';
import { TokenVerifier } from './verifier.ts';
import { newTestKey, signTestToken, startJwksServer, type TestJwksServer, type TestKey } from './test-kit.ts';

const TID = '11111111-2222-3333-4444-555555555555';
const OTHER_TID = '99999999-2222-3333-4444-555555555555';
const RESOURCE = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const APP_ID_URI = 'api://gatehouse-sandbox';
const CLIENT = 'cccccccc-0000-0000-0000-000000000001';
const V1_HOST = 'https://sts.test';

describe('TokenVerifier (Entra)', () => {
  let jwks: TestJwksServer;
  let key: TestKey;
  let rogue: TestKey;
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const nowS = () => Math.floor(clock.now() / 1000);
  let v2Issuer: string;
  const v1Issuer = `${V1_HOST}/${TID}/`;

  const verifier = (overrides: Partial<OAuthTokenConfigInput> = {}, registry?: JwksRegistry) =>
    new TokenVerifier(
      oauthTokenConfigSchema.parse({
        issuer: { kind: 'entra', tenantId: TID, authorityHost: jwks.url, issuerHosts: { v1: V1_HOST } },
        audiences: [RESOURCE, APP_ID_URI],
        ...overrides,
      }),
      { clock, jwks: registry ?? new JwksRegistry({ clock, fetchTimeoutMs: 5000 }) },
    );

  const v2Claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: v2Issuer, aud: RESOURCE, tid: TID, azp: CLIENT, azpacr: '1', ver: '2.0', sub: 'oid', oid: 'oid',
    iat: nowS() - 10, nbf: nowS() - 10, exp: nowS() + 3600, ...extra,
  });
  const v1Claims = (extra: JWTPayload = {}): JWTPayload => ({
    iss: v1Issuer, aud: APP_ID_URI, tid: TID, appid: CLIENT, appidacr: '1', ver: '1.0',
    iat: nowS() - 10, nbf: nowS() - 10, exp: nowS() + 3600, ...extra,
  });

  before(async () => {
    key = await newTestKey('key-1');
    rogue = await newTestKey('key-1'); // same kid, different key pair
    jwks = await startJwksServer([key.publicJwk]);
    v2Issuer = `${jwks.url}/${TID}/v2.0`;
  });
  after(() => jwks.close());

  test('accepts a v2 token: client from azp', async () => {
    const result = await verifier().verify(await signTestToken(key, v2Claims()));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.token.clientId, CLIENT);
    assert.equal(result.token.version, '2.0');
  });

  test('accepts a v1 token: client from appid, audience the App ID URI, keys from the v1 document', async () => {
    jwks.hits.length = 0;
    const result = await verifier().verify(await signTestToken(key, v1Claims(), { x5t: 'key-1' }));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.token.clientId, CLIENT);
    assert.deepEqual(jwks.hits, [`/${TID}/discovery/keys`]);
  });

  const cases: Array<[string, () => Promise<string>, string]> = [
    ['alg none', async () => unsigned({ alg: 'none', typ: 'JWT', kid: 'key-1' }, v2Claims()), 'TOKEN_ALG_NOT_ALLOWED'],
    ['HS256 signed with the RSA public key', async () => hs256WithPublicKey(key, v2Claims()), 'TOKEN_ALG_NOT_ALLOWED'],
    ['kid not in the JWKS', async () => signTestToken(await newTestKey('key-unknown'), v2Claims()), 'TOKEN_UNKNOWN_KEY'],
    ['signed by another key under a known kid', async () => signTestToken(rogue, v2Claims()), 'TOKEN_BAD_SIGNATURE'],
    ['tampered payload', async () => tamperPayload(await signTestToken(key, v2Claims()), { azp: 'attacker' }), 'TOKEN_BAD_SIGNATURE'],
    ['tampered signature', async () => tamperSignature(await signTestToken(key, v2Claims())), 'TOKEN_BAD_SIGNATURE'],
    ['expired', async () => signTestToken(key, v2Claims({ exp: nowS() - 61 })), 'TOKEN_EXPIRED'],
    ['not yet valid', async () => signTestToken(key, v2Claims({ nbf: nowS() + 120 })), 'TOKEN_NOT_YET_VALID'],
    ['issued in the future', async () => signTestToken(key, v2Claims({ iat: nowS() + 120 })), 'TOKEN_NOT_YET_VALID'],
    ['no exp', async () => signTestToken(key, v2Claims({ exp: undefined })), 'TOKEN_MALFORMED'],
    ['wrong issuer', async () => signTestToken(key, v2Claims({ iss: 'https://evil.example/v2.0' })), 'TOKEN_BAD_ISSUER'],
    ['another tenant', async () => signTestToken(key, v2Claims({ iss: `${jwks.url}/${OTHER_TID}/v2.0`, tid: OTHER_TID })), 'TOKEN_BAD_ISSUER'],
    ['right issuer but tid of another tenant', async () => signTestToken(key, v2Claims({ tid: OTHER_TID })), 'TOKEN_BAD_ISSUER'],
    ['v1 token with the v2 issuer', async () => signTestToken(key, v1Claims({ iss: v2Issuer })), 'TOKEN_BAD_ISSUER'],
    ['v2 token with the v1 issuer', async () => signTestToken(key, v2Claims({ iss: v1Issuer })), 'TOKEN_BAD_ISSUER'],
    ['no ver claim', async () => signTestToken(key, v2Claims({ ver: undefined })), 'TOKEN_BAD_ISSUER'],
    ['Graph token (wrong audience)', async () => signTestToken(key, v2Claims({ aud: 'https://graph.microsoft.com' })), 'TOKEN_BAD_AUDIENCE'],
    ['v2 token without azp', async () => signTestToken(key, v2Claims({ azp: undefined })), 'TOKEN_NO_CLIENT_ID'],
    ['oversize token', async () => signTestToken(key, v2Claims({ pad: 'x'.repeat(9000) })), 'TOKEN_TOO_LARGE'],
    ['JWE', async () => jwe(v2Claims()), 'TOKEN_ENCRYPTED'],
    ['garbage', async () => 'not-a-jwt', 'TOKEN_MALFORMED'],
    ['three segments of garbage', async () => 'a.b.c', 'TOKEN_MALFORMED'],
    ['own key embedded in the header (jwk) under a known kid', async () => {
      const own = await newTestKey('key-1');
      return signTestToken(own, v2Claims(), { jwk: { kty: own.publicJwk.kty, n: own.publicJwk.n, e: own.publicJwk.e } });
    }, 'TOKEN_BAD_SIGNATURE'],
    ['key URL in the header (jku) with an unknown kid', async () => signTestToken(await newTestKey('evil'), v2Claims(), { jku: 'https://evil.example/keys' }), 'TOKEN_UNKNOWN_KEY'],
    ['PS256 where Entra pins RS256', async () => signTestToken(await newTestKey('key-1', 'PS256'), v2Claims()), 'TOKEN_ALG_NOT_ALLOWED'],
  ];
  for (const [name, make, reason] of cases) {
    test(`rejects: ${name} → ${reason}`, async () => {
      const result = await verifier().verify(await make());
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, reason);
    });
  }

  test('clock skew: a token expired 30 s ago still passes with the default 60 s skew, not with skew 0', async () => {
    const token = await signTestToken(key, v2Claims({ exp: nowS() - 30 }));
    assert.equal((await verifier().verify(token)).ok, true);
    const strict = await verifier({ clockSkewSeconds: 0 }).verify(token);
    assert.equal(!strict.ok && strict.reason, 'TOKEN_EXPIRED');
  });

  test('required roles and scopes', async () => {
    const withRole = await signTestToken(key, v2Claims({ roles: ['Orders.Read'] }));
    assert.equal((await verifier({ requiredRoles: ['Orders.Read'] }).verify(withRole)).ok, true);
    const r = await verifier({ requiredRoles: ['Orders.Write'] }).verify(withRole);
    assert.equal(!r.ok && r.reason, 'TOKEN_INSUFFICIENT_ROLES');
    const s = await verifier({ requiredScopes: ['orders'] }).verify(await signTestToken(key, v2Claims({ scp: 'other orders' })));
    assert.equal(s.ok, true);
    const s2 = await verifier({ requiredScopes: ['orders'] }).verify(withRole);
    assert.equal(!s2.ok && s2.reason, 'TOKEN_INSUFFICIENT_SCOPE');
  });

  test('verified-token cache: a repeat skips verification and dies at exp', async () => {
    const hits: boolean[] = [];
    const registry = new JwksRegistry({ clock, fetchTimeoutMs: 5000 });
    const v = new TokenVerifier(
      oauthTokenConfigSchema.parse({ issuer: { kind: 'entra', tenantId: TID, authorityHost: jwks.url, issuerHosts: { v1: V1_HOST } }, audiences: [RESOURCE] }),
      { clock, jwks: registry, onTokenCache: (hit) => hits.push(hit) },
    );
    const token = await signTestToken(key, v2Claims({ exp: nowS() + 100 }));
    assert.equal((await v.verify(token)).ok, true);
    const second = await v.verify(token);
    assert.ok(second.ok && second.cached);
    clock.advance(100_000);
    const afterExp = await v.verify(token);
    assert.ok(!afterExp.ok || !afterExp.cached, 'must not be served from cache after exp');
    clock.advance(61_000);
    const expired = await v.verify(token);
    assert.equal(!expired.ok && expired.reason, 'TOKEN_EXPIRED');
    assert.deepEqual(hits, [false, true, false, false]);
    clock.set(Date.UTC(2026, 5, 1));
  });

  test('a failed token is not cached; a tampered copy of a cached token is still rejected', async () => {
    const v = verifier();
    const token = await signTestToken(key, v2Claims());
    assert.equal((await v.verify(token)).ok, true);
    const r = await v.verify(tamperSignature(token));
    assert.equal(!r.ok && r.reason, 'TOKEN_BAD_SIGNATURE');
  });
});

function unsigned(header: object, claims: JWTPayload): string {
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}.`;
}

async function hs256WithPublicKey(key: TestKey, claims: JWTPayload): Promise<string> {
  // The classic key-confusion attack: HMAC keyed with the (public) RSA key material.
  const secret = createSecretKey(Buffer.from(JSON.stringify(key.publicJwk)));
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: key.kid }).sign(secret);
}

function tamperPayload(token: string, changes: JWTPayload): string {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  return `${h}.${base64url.encode(JSON.stringify({ ...claims, ...changes }))}.${s}`;
}

function tamperSignature(token: string): string {
  const [h, p, s] = token.split('.');
  const sig = Buffer.from(s!, 'base64url');
  sig[0] = sig[0]! ^ 0xff;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

async function jwe(claims: JWTPayload): Promise<string> {
  const secret = new Uint8Array(32).fill(7);
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'key-1' }).encrypt(secret);
}
