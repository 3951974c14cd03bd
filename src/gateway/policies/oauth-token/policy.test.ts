import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { Api, ClientApp } from '../../../core/domain.ts';
import { ManualClock } from '../../../core/clock.ts';
import type { RequestContext } from '../../pipeline/context.ts';
import type { Denial } from '../../pipeline/denial.ts';
import type { PolicyDeps } from '../../pipeline/policy.ts';
import { JwksRegistry } from './jwks-registry.ts';
import { createOAuthTokenPolicy } from './policy.ts';
import { newTestKey, signTestToken, startJwksServer, type TestJwksServer, type TestKey } from './test-kit.ts';

const TID = '11111111-2222-3333-4444-555555555555';
const RESOURCE = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const CLIENT = 'cccccccc-0000-0000-0000-000000000001';
const clock = new ManualClock(Date.UTC(2026, 5, 1));
let jwks: TestJwksServer;
let key: TestKey;
let token: string;
before(async () => {
  key = await newTestKey('k');
  jwks = await startJwksServer([key.publicJwk]);
  const now = Math.floor(clock.now() / 1000);
  token = await signTestToken(key, {
    iss: `${jwks.url}/${TID}/v2.0`, aud: RESOURCE, tid: TID, azp: CLIENT, ver: '2.0', iat: now, nbf: now, exp: now + 3600,
  });
});
after(() => jwks.close());

const app = { id: 'app_1', clientId: CLIENT, environmentId: 'env_1' } as ClientApp;
function handlerFor(config: Record<string, unknown> = {}) {
  const factory = createOAuthTokenPolicy({ jwks: new JwksRegistry({ clock }) });
  const parsed = factory.schema.parse({ issuer: { kind: 'entra', tenantId: TID, authorityHost: jwks.url }, audiences: [RESOURCE], ...config });
  const deps = {
    api: { id: 'api_1' } as Api, index: 0, clock,
    directory: { appByClientId: (id: string) => (id === CLIENT ? app : undefined), secretsOf: () => [] },
  } as unknown as PolicyDeps;
  return factory.create(parsed, deps);
}
function ctxFor(headers: string[], rest = '/orders') {
  return { req: { rawHeaders: headers } as unknown as IncomingMessage, rest, clientId: null, app: null, stripAuthorization: false } as unknown as RequestContext;
}
const run = async (headers: string[], rest?: string, config?: Record<string, unknown>) => {
  const ctx = ctxFor(headers, rest);
  const denial = (await handlerFor(config)(ctx)) as Denial | undefined;
  return { ctx, denial };
};

test('a valid token identifies the client and its app; the token is stripped by default', async () => {
  const { ctx, denial } = await run(['Authorization', `Bearer ${token}`]);
  assert.equal(denial, undefined);
  assert.equal(ctx.clientId, CLIENT);
  assert.equal(ctx.app, app);
  assert.equal(ctx.stripAuthorization, true);
});

test('forwardToken keeps the Authorization header for the upstream', async () => {
  const { ctx, denial } = await run(['authorization', `bearer  ${token}`], '/x', { forwardToken: true });
  assert.equal(denial, undefined);
  assert.equal(ctx.stripAuthorization, false);
});

test('no token: 401 with a bare Bearer challenge (RFC 6750 §3.1); Basic is not a bearer token', async () => {
  for (const headers of [[], ['Authorization', 'Basic Zm9vOmJhcg==']]) {
    const { denial, ctx } = await run(headers);
    assert.equal(denial?.status, 401);
    assert.equal(denial?.reason, 'TOKEN_MISSING');
    assert.equal(denial?.challenge, 'Bearer realm="gatehouse"');
    assert.equal(ctx.clientId, null);
  }
});

test('two Authorization headers or a token in the query string: 400 invalid_request', async () => {
  const two = await run(['Authorization', `Bearer ${token}`, 'Authorization', 'Bearer other']);
  assert.equal(two.denial?.status, 400);
  assert.equal(two.denial?.reason, 'TOKEN_MULTIPLE_HEADERS');
  assert.match(two.denial?.challenge ?? '', /^Bearer realm="gatehouse", error="invalid_request", error_description="/);
  const query = await run([], `/orders?x=1&access_token=${token}`);
  assert.equal(query.denial?.reason, 'TOKEN_IN_QUERY');
  const both = await run(['Authorization', `Bearer ${token}`], `/orders?access_token=${token}`);
  assert.equal(both.denial?.reason, 'TOKEN_IN_QUERY');
});

test('a bad token: 401 invalid_token with a stable reason', async () => {
  const { denial } = await run(['Authorization', `Bearer ${token.slice(0, -4)}AAAA`]);
  assert.equal(denial?.status, 401);
  assert.equal(denial?.reason, 'TOKEN_BAD_SIGNATURE');
  assert.equal(denial?.challenge, 'Bearer realm="gatehouse", error="invalid_token", error_description="The token signature is invalid."');
  for (const value of ['Bearer a b', 'Bearer', 'Bearer ', 'Bearer ey"J']) {
    const junk = await run(['Authorization', value]);
    assert.equal(junk.denial?.reason, 'TOKEN_MALFORMED', value);
  }
});

test('missing roles: 403 insufficient_scope', async () => {
  const { denial } = await run(['Authorization', `Bearer ${token}`], '/x', { requiredRoles: ['Orders.Read'] });
  assert.equal(denial?.status, 403);
  assert.match(denial?.challenge ?? '', /error="insufficient_scope"/);
});

test('config: strict, with defaults', () => {
  const factory = createOAuthTokenPolicy({ jwks: new JwksRegistry() });
  const parsed = factory.schema.parse({ issuer: { kind: 'oidc', discoveryUrl: 'https://idp.example/.well-known/openid-configuration' }, audiences: ['x'] });
  assert.equal(parsed.forwardToken, false);
  assert.equal(parsed.clockSkewSeconds, 60);
  assert.equal(parsed.maxTokenBytes, 8192);
  for (const bad of [
    { issuer: { kind: 'entra', tenantId: 'common' }, audiences: ['x'] },
    { issuer: { kind: 'entra', tenantId: TID }, audiences: [] },
    { issuer: { kind: 'entra', tenantId: TID }, audiences: ['x'], typo: true },
    { issuer: { kind: 'saml' }, audiences: ['x'] },
  ]) assert.equal(factory.schema.safeParse(bad).success, false, JSON.stringify(bad));
});
