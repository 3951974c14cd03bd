import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { RedisRateLimitStore, randomKeyPrefix } from './redis-store.ts';
import { freePort } from '../../platform/testing/free-port.ts';

const REDIS = process.env.GATEHOUSE_TEST_REDIS;
const skip = !REDIS && 'set GATEHOUSE_TEST_REDIS to run';

describe('RedisRateLimitStore', { skip }, () => {
  const prefix = randomKeyPrefix('rl-unit');
  const stores: RedisRateLimitStore[] = [];
  const open = async () => {
    const store = new RedisRateLimitStore({ redis: REDIS!, keyPrefix: prefix, commandTimeoutMs: 5000 });
    stores.push(store);
    await store.ready();
    return store;
  };

  after(async () => {
    const admin = new Redis(REDIS!);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
    await Promise.all(stores.map((s) => s.close()));
  });

  test('two stores (two connections, as two gateways) share one counter, atomically', async () => {
    const [a, b] = [await open(), await open()];
    const now = Date.UTC(2026, 0, 1, 0, 0, 10);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).hit('api:ctr', 25, 60_000, now)));
    assert.equal(results.filter((r) => r.allowed).length, 25);
    assert.equal(results.filter((r) => !r.allowed).length, 35);
    const denied = results.find((r) => !r.allowed)!;
    assert.deepEqual(denied, { allowed: false, remaining: 0, resetMs: 50_000, limit: 25 });
    assert.deepEqual(
      results.filter((r) => r.allowed).map((r) => r.remaining).sort((x, y) => x - y),
      Array.from({ length: 25 }, (_, i) => i),
    );
  });

  test('windows are aligned to the epoch: the next window starts afresh; keys are independent', async () => {
    const store = await open();
    const t = Date.UTC(2026, 0, 1, 0, 1, 59, 500);
    assert.equal((await store.hit('w', 1, 60_000, t)).allowed, true);
    assert.equal((await store.hit('w', 1, 60_000, t + 100)).allowed, false);
    assert.equal((await store.hit('other', 1, 60_000, t + 100)).allowed, true);
    const next = await store.hit('w', 1, 60_000, t + 500);
    assert.deepEqual(next, { allowed: true, remaining: 0, resetMs: 60_000, limit: 1 });
  });

  test('counters expire with their window', async () => {
    const store = await open();
    const now = Date.now();
    await store.hit('ttl', 5, 60_000, now);
    const admin = new Redis(REDIS!);
    const [key] = await admin.keys(`${prefix}ttl:*`);
    const ttl = await admin.pttl(key!);
    admin.disconnect();
    assert.ok(ttl > 0 && ttl <= 61_000, `ttl ${ttl}`);
  });
});

test('unreachable Redis: hit rejects quickly (callers then fail open or closed)', async () => {
  const port = await freePort();
  const store = new RedisRateLimitStore({ redis: `redis://127.0.0.1:${port}` });
  const started = Date.now();
  await assert.rejects(Promise.resolve(store.hit('k', 10, 1000, Date.now())));
  assert.ok(Date.now() - started < 3000);
  await store.close();
});

test('hanging Redis: hit rejects after the command timeout', async () => {
  const sockets: import('node:net').Socket[] = [];
  const server = createServer((s) => sockets.push(s)); // accepts, never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const store = new RedisRateLimitStore({ redis: `redis://127.0.0.1:${port}`, commandTimeoutMs: 100, redisOptions: { enableReadyCheck: false } });
  await store.ready();
  const started = Date.now();
  await assert.rejects(Promise.resolve(store.hit('k', 10, 1000, Date.now())), /timed out/);
  const waited = Date.now() - started;
  assert.ok(waited >= 90 && waited < 3000, `waited ${waited} ms`);
  await store.close();
  sockets.forEach((s) => s.destroy());
  server.close();
});
