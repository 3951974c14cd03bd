import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayMetrics } from './gateway-metrics.ts';
import { serveMetrics } from './metrics-endpoint.ts';

test('records requests, latency, denials, upstream errors, JWKS fetches and token-cache ratio', async () => {
  const m = new GatewayMetrics();
  m.observeRequest('orders', 200, 12);
  m.observeRequest('orders', 200, 30);
  m.observeRequest('orders', 401, 1, 'TOKEN_EXPIRED');
  m.upstreamError('orders', 'timeout');
  m.jwksFetch('https://idp/keys', 'ok');
  m.jwksFetch('https://idp/keys', 'timeout');
  m.tokenCacheLookup(false);
  m.tokenCacheLookup(true);
  m.tokenCacheLookup(true);
  m.tokenCacheLookup(true);
  const { body, contentType } = await m.render();
  assert.match(contentType, /text\/plain/);
  assert.match(body, /gatehouse_gateway_requests_total\{api="orders",status="200"\} 2/);
  assert.match(body, /gatehouse_gateway_requests_total\{api="orders",status="401"\} 1/);
  assert.match(body, /gatehouse_gateway_request_duration_seconds_bucket\{le="0.025",api="orders"\} 2/);
  assert.match(body, /gatehouse_gateway_request_duration_seconds_count\{api="orders"\} 3/);
  assert.match(body, /gatehouse_gateway_denials_total\{api="orders",reason="TOKEN_EXPIRED"\} 1/);
  assert.match(body, /gatehouse_gateway_upstream_errors_total\{api="orders",kind="timeout"\} 1/);
  assert.match(body, /gatehouse_jwks_fetches_total\{outcome="timeout"\} 1/);
  assert.match(body, /gatehouse_jwks_fetch_failures_total 1/);
  assert.match(body, /gatehouse_token_cache_lookups_total\{result="hit"\} 3/);
  assert.match(body, /gatehouse_token_cache_hit_ratio 0.75/);
});

test('two instances do not share counters', async () => {
  const a = new GatewayMetrics();
  const b = new GatewayMetrics();
  a.observeRequest('x', 200, 1);
  assert.doesNotMatch((await b.render()).body, /api="x"/);
});

test('GET /metrics is served; other paths are left to the router; other methods get 405', async () => {
  const m = new GatewayMetrics();
  m.observeRequest('orders', 200, 1);
  const server = createServer((req, res) => {
    if (!serveMetrics(m, req, res)) res.writeHead(404).end('route');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ok = await fetch(`${base}/metrics`);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /gatehouse_gateway_requests_total\{api="orders",status="200"\} 1/);
    assert.equal((await fetch(`${base}/metricsx`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    server.close();
  }
});
