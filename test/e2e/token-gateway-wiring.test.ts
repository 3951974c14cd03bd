import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.ts';
import { startGateway, MemoryRateLimitStore } from '../../src/gateway/index.ts';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.ts';
import { TestWorld, basic } from '../../src/gateway/testing/world.ts';
import { startUpstream } from '../../src/gateway/testing/upstream.ts';
import { call } from '../../src/gateway/testing/client.ts';

test('gateway wiring of issue 5: identity headers, /metrics, ip-filter and oauth-token built in, rate-limit fail-open', async () => {
  const upstream = await startUpstream();
  const w = new TestWorld();
  const env = w.env();
  const api = w.api(env, '/a', upstream.url, [{ type: 'ip-filter', config: { allow: ['127.0.0.1'] } }, { type: 'client-id', config: {} }]);
  const tok = w.api(env, '/t', upstream.url, [{ type: 'oauth-token', config: { issuer: { kind: 'entra', tenantId: '11111111-2222-3333-4444-555555555555' }, audiences: ['x'] } }]);
  const open = w.api(env, '/open', upstream.url, [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 5, windowSeconds: 60, whenStoreUnavailable: 'allow' } }]);
  const closed = w.api(env, '/closed', upstream.url, [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 5, windowSeconds: 60 } }]);
  const app = w.app(env, 'cli_w');
  const secret = w.secret(app);
  for (const a of [api, tok, open, closed]) w.contract(app, a, w.tier(a, 100, 60));
  const store = await openStore({ url: 'sqlite::memory:' });
  await w.writeTo(store);
  const memory = new MemoryRateLimitStore();
  const apiKeysFail = { hit: (key: string, limit: number, windowMs: number, now: number) => { if (key.startsWith('api:')) throw new Error('down'); return memory.hit(key, limit, windowMs, now); } };
  const metrics = new GatewayMetrics();
  const gw = await startGateway({ store, port: 0, pollIntervalMs: 60000, metrics, rateLimitStore: apiKeysFail });
  const auth = { authorization: basic('cli_w', secret) };
  try {
    const r = await call(gw.url, '/a/x', { headers: { ...auth, 'x-gatehouse-app-id': 'forged', 'x-gatehouse-client-id': 'forged' } });
    assert.equal(r.status, 200, r.body);
    const seen = upstream.seen.at(-1)!;
    assert.equal(seen.headers['x-gatehouse-app-id'], app.id);
    assert.equal(seen.headers['x-gatehouse-client-id'], 'cli_w');
    assert.equal(seen.rawHeaders.filter((h) => h.toLowerCase() === 'x-gatehouse-app-id').length, 1);
    const t = await call(gw.url, '/t/x', {});
    assert.equal(t.status, 401);
    assert.equal(t.json().reason, 'TOKEN_MISSING');
    assert.equal((await call(gw.url, '/open/x', { headers: auth })).status, 200);
    assert.equal((await call(gw.url, '/closed/x', { headers: auth })).status, 503);
    const m = await call(gw.url, '/metrics', {});
    assert.equal(m.status, 200);
    assert.match(m.body, new RegExp(`gatehouse_gateway_requests_total\\{api="${api.id}",status="200"\\} 1`));
    assert.match(m.body, /gatehouse_gateway_denials_total\{api="[^"]+",reason="TOKEN_MISSING"\} 1/);
  } finally {
    await gw.close(); await upstream.close(); await store.close();
  }
});
