import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { TestWorld, basic } from '../../src/gateway/testing/world.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { call } from '../../src/gateway/testing/client.ts';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.ts';
import { freePort } from '../../src/platform/testing/free-port.ts';

const MiB = 1024 * 1024;

describe('gateway proxying through real sockets', () => {
  let store: Store;
  let gateway: Gateway;
  let small: Gateway;
  let echo: TestUpstream;
  let other: TestUpstream;
  let stalled: TestUpstream;
  let hop: TestUpstream;
  let big: TestUpstream;
  let h: Record<string, string>;
  let secret: string;
  let deadApiId: string;
  let echoApiId: string;

  before(async () => {
    echo = await startUpstream();
    other = await startUpstream();
    stalled = await startUpstream(() => { /* never answers */ });
    hop = await startUpstream((_req, res) => {
      res.writeHead(200, {
        connection: 'x-upstream-hop', 'x-upstream-hop': '1', 'keep-alive': 'timeout=5', 'proxy-authenticate': 'Basic',
        'x-kept': 'yes', 'set-cookie': ['a=1', 'b=2'], 'content-length': '2',
      });
      res.end('ok');
    });
    big = await startUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        Readable.from(chunks(32 * MiB)).pipe(res);
      });
    });
    const w = new TestWorld();
    const env = w.env();
    const apis = [
      w.api(env, '/a', echo.url + '/base'),
      w.api(env, '/a/b', other.url),
      w.api(env, '/slow', stalled.url),
      w.api(env, '/hop', hop.url),
      w.api(env, '/big', big.url),
      w.api(env, '/dead', `http://127.0.0.1:${await freePort()}`),
    ];
    echoApiId = apis[0]!.id;
    deadApiId = apis[5]!.id;
    const app = w.app(env, 'cli_proxy');
    secret = w.secret(app);
    for (const api of apis) w.contract(app, api, w.tier(api, 1_000_000, 60));
    h = { client_id: 'cli_proxy', client_secret: secret };
    store = await openStore({ url: 'sqlite::memory:' });
    await w.writeTo(store);
    gateway = await startGateway({ store, port: 0, upstreamTimeoutMs: 300, pollIntervalMs: 60_000, metrics: new GatewayMetrics() });
    small = await startGateway({ store, port: 0, maxBodyBytes: 1024, maxHeaderBytes: 4096, pollIntervalMs: 60_000 });
  });

  after(async () => {
    await gateway.close();
    await small.close();
    for (const u of [echo, other, stalled, hop, big]) await u.close();
    await store.close();
  });

  test('forwards method, path under the upstream path, query; adds X-Forwarded-* and a request id', async () => {
    const r = await call(gateway.url, '/a/items/7?x=1&y=2', { method: 'POST', headers: { ...h, 'content-type': 'text/plain', 'x-forwarded-for': '10.0.0.1' }, body: 'hello' });
    assert.equal(r.status, 200);
    const seen = r.json();
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/base/items/7?x=1&y=2');
    assert.equal(seen.bodyBytes, 5);
    assert.equal(seen.headers['x-forwarded-for'], '10.0.0.1, 127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], new URL(gateway.url).host);
    assert.equal(seen.headers.host, new URL(echo.url).host);
    assert.match(r.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(seen.headers['x-request-id'], r.headers['x-request-id']);
    assert.match(r.headers['ratelimit'] as string, /^"tier";r=\d+;t=\d+$/);
    assert.equal(r.headers['ratelimit-policy'], '"tier";q=1000000;w=60');
  });

  test('a caller\'s plain X-Request-Id is kept; a weird one is replaced', async () => {
    const kept = await call(gateway.url, '/a', { headers: { ...h, 'x-request-id': 'abc-123' } });
    assert.equal(kept.headers['x-request-id'], 'abc-123');
    assert.equal(kept.json().headers['x-request-id'], 'abc-123');
    const replaced = await call(gateway.url, '/a', { headers: { ...h, 'x-request-id': 'a b<script>' } });
    assert.notEqual(replaced.headers['x-request-id'], 'a b<script>');
  });

  test('client credentials are not forwarded (headers, and Authorization when it carried them)', async () => {
    const viaHeaders = (await call(gateway.url, '/a', { headers: h })).json();
    assert.equal(viaHeaders.headers.client_id, undefined);
    assert.equal(viaHeaders.headers.client_secret, undefined);
    const viaBasic = (await call(gateway.url, '/a', { headers: { authorization: basic('cli_proxy', secret) } })).json();
    assert.equal(viaBasic.headers.authorization, undefined);
    const bearerKept = (await call(gateway.url, '/a', { headers: { ...h, authorization: 'Bearer upstream-token' } })).json();
    assert.equal(bearerKept.headers.authorization, 'Bearer upstream-token');
  });

  test('hop-by-hop headers are stripped in both directions', async () => {
    const r = await call(gateway.url, '/a', {
      headers: { ...h, connection: 'keep-alive, x-hop', 'x-hop': '1', te: 'trailers', 'keep-alive': 'timeout=5', 'proxy-authorization': 'Basic eA==', 'proxy-foo': 'x', 'x-end-to-end': 'yes' },
    });
    const seen = r.json().headers;
    for (const name of ['x-hop', 'te', 'keep-alive', 'proxy-authorization', 'proxy-foo']) assert.equal(seen[name], undefined, name);
    assert.notEqual(seen.connection, 'keep-alive, x-hop');
    assert.equal(seen['x-end-to-end'], 'yes');
    const back = await call(gateway.url, '/hop', { headers: h });
    assert.equal(back.body, 'ok');
    for (const name of ['x-upstream-hop', 'proxy-authenticate']) assert.equal(back.headers[name], undefined, name);
    assert.notEqual(back.headers.connection, 'x-upstream-hop');
    assert.notEqual(back.headers['keep-alive'], 'timeout=5');
    assert.equal(back.headers['x-kept'], 'yes');
    assert.deepEqual(back.headers['set-cookie'], ['a=1', 'b=2']);
  });

  test('longest prefix wins, on segment boundaries only', async () => {
    assert.equal((await call(gateway.url, '/a/b/c', { headers: h })).json().url, '/c');
    assert.equal((await call(gateway.url, '/a/b', { headers: h })).json().url, '/');
    assert.equal((await call(gateway.url, '/a/bc', { headers: h })).json().url, '/base/bc');
    assert.equal((await call(gateway.url, '/a?q=1', { headers: h })).json().url, '/base?q=1');
    const miss = await call(gateway.url, '/ab', { headers: h });
    assert.equal(miss.status, 404);
    assert.deepEqual({ ...miss.json<Record<string, unknown>>(), requestId: 'x' }, { error: 'not_found', reason: 'NO_ROUTE', message: 'No API is published at this path.', requestId: 'x' });
  });

  test('dot segments are refused before routing', async () => {
    for (const path of ['/a/../admin', '/a/%2e%2e/admin', '/a/./x']) {
      const r = await call(gateway.url, path, { headers: h });
      assert.equal(r.status, 400, path);
      assert.equal(r.json().reason, 'BAD_PATH');
    }
  });

  test('denials are small JSON bodies with the reason and a Basic challenge', async () => {
    const r = await call(gateway.url, '/a', { headers: { client_id: 'cli_proxy', client_secret: 'nope' } });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="gatehouse"');
    const body = r.json();
    assert.equal(body.error, 'unauthorized');
    assert.equal(body.reason, 'INVALID_CREDENTIALS');
    assert.equal(body.requestId, r.headers['x-request-id']);
    assert.equal(echo.seen.some((s) => s.headers.client_secret === 'nope'), false);
  });

  test('large bodies stream both ways', async () => {
    const up = await call(gateway.url, '/a/upload', { method: 'PUT', headers: { ...h, 'content-length': String(8 * MiB) }, body: Readable.from(chunks(8 * MiB)) });
    assert.equal(up.status, 200);
    assert.equal(up.json().bodyBytes, 8 * MiB);
    const chunked = await call(gateway.url, '/a/upload', { method: 'POST', headers: h, body: Readable.from(chunks(9 * MiB)) });
    assert.equal(chunked.json().bodyBytes, 9 * MiB);
    const down = await call(gateway.url, '/big', { headers: h, keepBody: false });
    assert.equal(down.status, 200);
    assert.equal(down.bytes, 32 * MiB);
  });

  test('upstream that does not answer in time → 504 UPSTREAM_TIMEOUT', async () => {
    const r = await call(gateway.url, '/slow', { headers: h });
    assert.equal(r.status, 504);
    assert.equal(r.json().reason, 'UPSTREAM_TIMEOUT');
  });

  test('upstream that refuses connections → 502 UPSTREAM_UNREACHABLE', async () => {
    const r = await call(gateway.url, '/dead/x', { headers: h });
    assert.equal(r.status, 502);
    assert.equal(r.json().reason, 'UPSTREAM_UNREACHABLE');
  });

  test('body over maxBodyBytes → 413, announced or streamed', async () => {
    const announced = await call(small.url, '/a', { method: 'POST', headers: { ...h, 'content-length': '2048' }, body: Buffer.alloc(2048) });
    assert.equal(announced.status, 413);
    assert.equal(announced.json().reason, 'PAYLOAD_TOO_LARGE');
    const before = echo.seen.length;
    const streamed = await call(small.url, '/a', { method: 'POST', headers: h, body: Readable.from(chunks(64 * 1024)) });
    assert.equal(streamed.status, 413);
    assert.equal(streamed.json().reason, 'PAYLOAD_TOO_LARGE');
    assert.ok(echo.seen.slice(before).every((s) => s.bodyBytes <= 1024 + 16 * 1024));
    assert.equal((await call(small.url, '/a', { method: 'POST', headers: h, body: Buffer.alloc(1000) })).status, 200);
  });

  test('oversize request headers → 431', async () => {
    const r = await call(small.url, '/a', { headers: { ...h, 'x-big': 'x'.repeat(8192) } });
    assert.equal(r.status, 431);
    assert.equal(r.json().reason, 'HEADERS_TOO_LARGE');
  });

  test('GET /metrics counts answered calls by API and status, denials by reason, upstream errors by kind', async () => {
    await call(gateway.url, '/a', { headers: h });
    await call(gateway.url, '/a', { headers: { client_id: 'cli_proxy', client_secret: 'nope' } });
    await call(gateway.url, '/dead', { headers: h });
    const text = (await call(gateway.url, '/metrics')).body;
    assert.match(text, new RegExp(`gatehouse_gateway_requests_total\\{api="${echoApiId}",status="200"\\} [1-9]`));
    assert.match(text, new RegExp(`gatehouse_gateway_denials_total\\{api="${echoApiId}",reason="INVALID_CREDENTIALS"\\} [1-9]`));
    assert.match(text, new RegExp(`gatehouse_gateway_upstream_errors_total\\{api="${deadApiId}",kind="unreachable"\\} [1-9]`));
    assert.equal((await call(small.url, '/metrics')).status, 404, 'no metrics option, no /metrics');
  });

  test('/healthz and /readyz are answered by the gateway itself', async () => {
    assert.deepEqual((await call(gateway.url, '/healthz')).json(), { ok: true });
    const ready = await call(gateway.url, '/readyz');
    assert.equal(ready.status, 200);
    const body = ready.json();
    assert.equal(body.ok, true);
    assert.equal(body.storeReachable, true);
    assert.equal(typeof body.snapshotVersion, 'number');
  });
});

function* chunks(total: number, size = 64 * 1024): Generator<Buffer> {
  const chunk = Buffer.alloc(size, 7);
  for (let sent = 0; sent < total; sent += size) yield sent + size <= total ? chunk : chunk.subarray(0, total - sent);
}
