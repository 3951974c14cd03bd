import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { TestWorld } from '../../src/gateway/testing/world.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { call } from '../../src/gateway/testing/client.ts';
import { pino } from 'pino';

/** Polls `check` every 10 ms for up to 3 s. */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

/** A pino logger that keeps its lines in memory. */
function memoryLogger() {
  const lines: any[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s)); } });
  return { logger, lines };
}

describe('gateway snapshot, store outages and usage', () => {
  let store: Store;
  let gateway: Gateway;
  let upstream: TestUpstream;
  let world: TestWorld;
  let lateSecret = '';
  const log = memoryLogger();

  before(async () => {
    upstream = await startUpstream();
    store = await openStore({ url: 'sqlite::memory:' });
    world = new TestWorld();
    const env = world.env();
    world.api(env, '/orders', upstream.url);
    await world.writeTo(store);
    gateway = await startGateway({ store, port: 0, pollIntervalMs: 20, usageFlushMs: 50, logger: log.logger });
  });

  after(async () => {
    await gateway.close();
    await upstream.close();
    await store.close().catch(() => {});
  });

  test('a contract approved in the store takes effect after the next poll (snapshot swap)', async () => {
    const env = world.environments[0]!;
    const api = world.apis[0]!;
    const app = world.app(env, 'cli_late');
    lateSecret = world.secret(app);
    const h = { client_id: 'cli_late', client_secret: lateSecret };
    assert.equal((await call(gateway.url, '/orders', { headers: h })).status, 401);
    const before = gateway.readiness().snapshotVersion;
    await world.writeTo(store);
    await eventually(() => gateway.readiness().snapshotVersion !== before, 'snapshot version to move');
    assert.equal((await call(gateway.url, '/orders', { headers: h })).json().reason, 'NO_CONTRACT');
    world.contract(app, api, world.tier(api, 1000, 60));
    await world.writeTo(store);
    await eventually(async () => (await call(gateway.url, '/orders', { headers: h })).status === 200, 'the new contract to be honoured');
    // a new API appears too
    world.api(env, '/invoices', upstream.url);
    await world.writeTo(store);
    await eventually(async () => (await call(gateway.url, '/invoices', { headers: h })).status === 403, 'the new API to be routed');
  });

  test('usage is written to the store in batches: rollups per status class and app activity', async () => {
    const api = world.apis[0]!;
    const app = world.apps.find((a) => a.clientId === 'cli_late')!;
    await call(gateway.url, '/orders/x', { headers: { client_id: 'cli_late', client_secret: lateSecret } });
    await call(gateway.url, '/orders/x', { headers: { client_id: 'cli_late', client_secret: 'wrong' } });
    await eventually(async () => {
      const rows = (await store.usage.rollups({ apiId: api.id })).items;
      return rows.some((r) => r.appId === app.id && r.statusClass === '2xx') && rows.some((r) => r.appId === null && r.statusClass === '4xx');
    }, 'usage rollups');
    const rows = (await store.usage.rollups({ apiId: api.id })).items;
    const ok = rows.find((r) => r.appId === app.id && r.statusClass === '2xx')!;
    assert.ok(ok.count >= 1);
    assert.ok(ok.latencyMaxMs >= 0 && ok.latencySumMs >= ok.latencyMaxMs);
    const activity = await store.usage.activity(app.id);
    assert.ok(activity);
    assert.deepEqual(activity.sourceAddresses, ['127.0.0.1']);
  });

  test('decision log lines carry reason, api, status, latency and request id, never the secret', async () => {
    const secret = 'super-secret-value-123';
    const r = await call(gateway.url, '/orders/x', { headers: { client_id: 'cli_late', client_secret: secret } });
    const line = log.lines.find((l) => l.requestId === r.headers['x-request-id']);
    assert.ok(line, 'a decision line for the request');
    assert.equal(line.reason, 'INVALID_CREDENTIALS');
    assert.equal(line.status, 401);
    assert.equal(line.api, world.apis[0]!.id);
    assert.equal(typeof line.latencyMs, 'number');
    assert.ok(!JSON.stringify(log.lines).includes(secret));
  });

  test('when the store goes away the gateway keeps serving its last snapshot and says so once', async () => {
    const secret = lateSecret;
    await store.close();
    await eventually(() => gateway.readiness().storeReachable === false, 'readiness to report the store unreachable');
    await new Promise((r) => setTimeout(r, 100)); // several failed polls
    const ready = await call(gateway.url, '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.json().ok, true);
    assert.equal(ready.json().storeReachable, false);
    const r = await call(gateway.url, '/orders', { headers: { client_id: 'cli_late', client_secret: secret } });
    assert.equal(r.status, 200);
    assert.equal(log.lines.filter((l) => /store unreachable/.test(l.msg)).length, 1);
  });
});

