import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload } from 'jose';
// @ts-expect-error -- oidc-provider ships no type declarations (and @types/oidc-provider is not installed)
import Provider from 'oidc-provider';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { TestWorld } from '../../src/gateway/testing/world.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { call } from '../../src/gateway/testing/client.ts';
import { createOAuthTokenPolicy } from '../../src/gateway/policies/oauth-token/policy.ts';
import { JwksRegistry } from '../../src/gateway/policies/oauth-token/jwks-registry.ts';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.ts';

/**
 * node-oidc-provider, in process, as a generic OIDC issuer configured by discovery URL: client_credentials with
 * resource indicators (RFC 8707) so access tokens are audience-bound JWTs, called through a real gateway.
 */
describe('oauth-token with a generic OIDC issuer (node-oidc-provider)', () => {
  const ORDERS = 'https://orders.gatehouse.test';
  const BILLING = 'https://billing.gatehouse.test';
  let idp: Server;
  let issuer: string;
  let store: Store;
  let gateway: Gateway;
  let upstream: TestUpstream;
  let ordersApiId: string;
  let ordersAppId: string;
  const metrics = new GatewayMetrics();
  const clients = [
    { client_id: 'orders-client', client_secret: 'orders-secret-0123456789', contract: true },
    { client_id: 'stranger', client_secret: 'stranger-secret-0123456789', contract: false },
  ];

  before(async () => {
    idp = createServer();
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(issuer, {
      clients: clients.map(({ client_id, client_secret }) => ({
        client_id, client_secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      })),
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'idp-key-1', alg: 'RS256', use: 'sig' }] },
      scopes: ['orders:read', 'billing:read'],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => ORDERS,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== ORDERS && resource !== BILLING) throw new Error('unknown resource');
            return { scope: resource === ORDERS ? 'orders:read' : 'billing:read', audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
          },
        },
      },
    } as never);
    idp.on('request', provider.callback());

    upstream = await startUpstream();
    const oidc = { kind: 'oidc', discoveryUrl: `${issuer}/.well-known/openid-configuration` };
    const w = new TestWorld();
    const env = w.env();
    const orders = w.api(env, '/orders', upstream.url, [{ type: 'oauth-token', config: { issuer: oidc, audiences: [ORDERS], requiredScopes: ['orders:read'] } }]);
    ordersApiId = orders.id;
    for (const c of clients) {
      const app = w.app(env, c.client_id);
      if (c.contract) {
        w.contract(app, orders, w.tier(orders, 100, 60));
        ordersAppId = app.id;
      }
    }
    store = await openStore({ url: 'sqlite::memory:' });
    await w.writeTo(store);
    const jwks = new JwksRegistry({ fetchTimeoutMs: 5000, onJwksFetch: metrics.jwksFetch });
    gateway = await startGateway({
      store, port: 0, pollIntervalMs: 60_000, usageFlushMs: 50,
      policyFactories: [createOAuthTokenPolicy({ jwks, onTokenCache: metrics.tokenCacheLookup })],
    });
  });

  after(async () => {
    await gateway?.close();
    await upstream?.close();
    await store?.close();
    idp?.closeAllConnections();
    await new Promise((r) => idp?.close(r));
  });

  async function token(client: { client_id: string; client_secret: string }, resource = ORDERS, scope?: string): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret, resource });
    if (scope) body.set('scope', scope);
    const response = await fetch(`${issuer}/token`, { method: 'POST', body });
    const json = (await response.json()) as { access_token?: string; error_description?: string };
    assert.equal(response.status, 200, json.error_description);
    return json.access_token!;
  }
  const claimsOf = (jwt: string): JWTPayload => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
  const get = (path: string, t?: string) => call(gateway.url, path, { headers: t ? { authorization: `Bearer ${t}` } : {} });

  test('a client_credentials JWT for the API resource passes; client from client_id', async () => {
    const t = await token(clients[0]!, ORDERS, 'orders:read');
    assert.equal(claimsOf(t).aud, ORDERS);
    assert.equal(claimsOf(t).client_id, 'orders-client');
    const before = upstream.seen.length;
    const reply = await get('/orders/list', t);
    assert.equal(reply.status, 200, reply.body);
    assert.equal(upstream.seen.length, before + 1);
    assert.equal(upstream.seen.at(-1)!.headers.authorization, undefined);
    assert.equal((await get('/orders/list', t)).status, 200, 'repeat call (verified-token cache)');
  });

  test('refused: another resource, missing scope, no contract, no token — none reaches the upstream', async () => {
    const before = upstream.seen.length;
    const rows: Array<[string, Promise<string | undefined>, number, string]> = [
      ['token for another resource', token(clients[0]!, BILLING, 'billing:read'), 401, 'TOKEN_BAD_AUDIENCE'],
      ['token without the required scope', token(clients[0]!, ORDERS), 403, 'TOKEN_INSUFFICIENT_SCOPE'],
      ['client without a contract', token(clients[1]!, ORDERS, 'orders:read'), 403, 'NO_CONTRACT'],
      ['no token', Promise.resolve(undefined), 401, 'TOKEN_MISSING'],
    ];
    for (const [name, t, status, reason] of rows) {
      const reply = await get('/orders/list', await t);
      assert.equal(reply.status, status, `${name}: ${reply.body}`);
      assert.equal(reply.json().reason, reason, name);
    }
    assert.equal(upstream.seen.length, before);
  });

  test('metrics hooks count JWKS fetches and token-cache hits; usage rollups carry the app of token calls', async () => {
    const t = await token(clients[0]!, ORDERS, 'orders:read');
    for (let i = 0; i < 3; i++) assert.equal((await get('/orders/again', t)).status, 200);
    const { body } = await metrics.render();
    assert.match(body, /gatehouse_jwks_fetches_total\{outcome="ok"\} 1\n/);
    assert.match(body, /gatehouse_token_cache_lookups_total\{result="hit"\} [2-9]/);
    let rollups: Awaited<ReturnType<Store['usage']['rollups']>>['items'] = [];
    for (let i = 0; i < 40 && rollups.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rollups = (await store.usage.rollups({ apiId: ordersApiId, appId: ordersAppId })).items;
    }
    assert.ok(rollups.some((r) => r.statusClass === '2xx' && r.count >= 3), JSON.stringify(rollups));
  });
});
