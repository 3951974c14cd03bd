import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../store/index.ts';
import type { Store } from '../../../core/ports/store.ts';
import { startGateway, type Gateway } from '../../index.ts';
import { TestWorld, basic } from '../../testing/world.ts';
import { startUpstream, type TestUpstream } from '../../testing/upstream.ts';
import { call } from '../../testing/client.ts';
import { ipFilterPolicy } from './policy.ts';

let store: Store;
let gateway: Gateway;
let upstream: TestUpstream;
let auth: Record<string, string>;

before(async () => {
  upstream = await startUpstream();
  const w = new TestWorld();
  const env = w.env();
  const direct = w.api(env, '/direct', upstream.url, [{ type: 'ip-filter', config: { allow: ['127.0.0.0/8'] } }, { type: 'client-id', config: {} }]);
  const blocked = w.api(env, '/blocked', upstream.url, [{ type: 'ip-filter', config: { deny: ['127.0.0.1', '::1'] } }, { type: 'client-id', config: {} }]);
  const proxied = w.api(env, '/proxied', upstream.url, [
    { type: 'ip-filter', config: { allow: ['198.51.100.0/24', '2001:db8::/32'], trustedProxyHops: 1 } },
    { type: 'client-id', config: {} },
  ]);
  const app = w.app(env, 'cli_ip');
  const secret = w.secret(app);
  for (const api of [direct, blocked, proxied]) w.contract(app, api, w.tier(api, 1000, 60));
  auth = { authorization: basic('cli_ip', secret) };
  store = await openStore({ url: 'sqlite::memory:' });
  await w.writeTo(store);
  gateway = await startGateway({ store, port: 0, pollIntervalMs: 60_000, policyFactories: [ipFilterPolicy] });
});

after(async () => {
  await gateway?.close();
  await upstream?.close();
  await store?.close();
});

test('through a real gateway: allowed, denied, and X-Forwarded-For honoured only through trusted hops', async () => {
  const before = upstream.seen.length;
  assert.equal((await call(gateway.url, '/direct/x', { headers: auth })).status, 200);
  const denied = await call(gateway.url, '/blocked/x', { headers: auth });
  assert.equal(denied.status, 403);
  assert.equal(denied.json().reason, 'IP_NOT_ALLOWED');
  // The peer (127.0.0.1) is the trusted proxy; the address it appended is the client.
  assert.equal((await call(gateway.url, '/proxied/x', { headers: { ...auth, 'x-forwarded-for': '198.51.100.20' } })).status, 200);
  assert.equal((await call(gateway.url, '/proxied/x', { headers: { ...auth, 'x-forwarded-for': '2001:db8::7' } })).status, 200);
  // A client-forged entry further left is not trusted.
  const forged = await call(gateway.url, '/proxied/x', { headers: { ...auth, 'x-forwarded-for': '198.51.100.20, 203.0.113.5' } });
  assert.equal(forged.status, 403);
  assert.equal((await call(gateway.url, '/proxied/x', { headers: auth })).status, 403, 'no header: the peer itself is not allowed');
  assert.equal(upstream.seen.length, before + 3);
});
