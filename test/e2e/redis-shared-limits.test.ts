import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { TestWorld, basic } from '../../src/gateway/testing/world.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { call, type Reply } from '../../src/gateway/testing/client.ts';
import { RedisRateLimitStore, randomKeyPrefix } from '../../src/gateway/rate-limit/redis-store.ts';
import { freePort } from '../../src/platform/testing/free-port.ts';

const REDIS = process.env.GATEHOUSE_TEST_REDIS;

/**
 * The second gateway is the real `gatehouse gateway --redis-url …` command in its own OS process, on the same store
 * file; GATEHOUSE_REDIS_KEY_PREFIX keeps this test's counters apart from anything else in the shared Redis.
 */
describe('Redis-backed rate limits shared by two gateway processes', { skip: !REDIS && 'set GATEHOUSE_TEST_REDIS to run' }, () => {
  const prefix = randomKeyPrefix('e2e');
  let dir: string;
  let store: Store;
  let upstream: TestUpstream;
  let local: Gateway;
  let localLimits: RedisRateLimitStore;
  let child: ChildProcess;
  let remoteUrl: string;
  let dead: Gateway;
  let deadLimits: RedisRateLimitStore;
  let auth: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-redis-e2e-'));
    const storeUrl = `sqlite:${join(dir, 'gatehouse.db')}`;
    upstream = await startUpstream();
    const w = new TestWorld();
    const env = w.env();
    const tiered = w.api(env, '/tiered', upstream.url);
    const capped = w.api(env, '/capped', upstream.url, [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 5, windowSeconds: 3600 } }]);
    const app = w.app(env, 'cli_shared');
    const secret = w.secret(app);
    w.contract(app, tiered, w.tier(tiered, 6, 3600));
    w.contract(app, capped, w.tier(capped, 1000, 3600));
    auth = { authorization: basic('cli_shared', secret) };
    store = await openStore({ url: storeUrl });
    await w.writeTo(store);

    // Started first: booting a second Node process with tsx is the slow part on a loaded machine.
    child = spawn(process.execPath, ['bin/gatehouse.mjs', 'gateway', '--port', '0', '--redis-url', REDIS!], {
      cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, GATEHOUSE_DATABASE_URL: storeUrl, GATEHOUSE_REDIS_KEY_PREFIX: prefix, GATEHOUSE_LOG_LEVEL: 'silent' },
    });
    localLimits = new RedisRateLimitStore({ redis: REDIS!, keyPrefix: prefix, commandTimeoutMs: 5000 });
    await localLimits.ready();
    local = await startGateway({ store, port: 0, pollIntervalMs: 60_000, rateLimitStore: localLimits });
    deadLimits = new RedisRateLimitStore({ redis: `redis://127.0.0.1:${await freePort()}`, keyPrefix: prefix });
    dead = await startGateway({ store, port: 0, pollIntervalMs: 60_000, rateLimitStore: deadLimits });

    remoteUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child gateway did not start')), 90_000);
      child.once('exit', (code) => reject(new Error(`child gateway exited with ${code}`)));
      createInterface({ input: child.stderr! }).on('line', (line) => {
        const started = /listening on (http:\/\/\S+) \(store: sqlite, rate limits: Redis\)/.exec(line);
        if (started) {
          clearTimeout(timer);
          resolve(started[1]!);
        }
      });
    });
  });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await local?.close();
    await dead?.close();
    await localLimits?.close();
    await deadLimits?.close();
    await upstream?.close();
    await store?.close();
    const admin = new Redis(REDIS!);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  async function alternate(path: string, n: number): Promise<Reply[]> {
    const replies: Reply[] = [];
    for (let i = 0; i < n; i++) replies.push(await call(i % 2 ? remoteUrl : local.url, path, { headers: auth }));
    return replies;
  }

  test('the tier limit (6 per window) holds across both processes for the same contract', async () => {
    const replies = await alternate('/tiered/x', 10);
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    const first = replies[0]!;
    assert.equal(first.headers['ratelimit-policy'], '"tier";q=6;w=3600');
    assert.match(String(first.headers['ratelimit']), /^"tier";r=5;t=\d+$/);
    assert.match(String(replies[5]!.headers['ratelimit']), /^"tier";r=0;t=\d+$/);
    const denied = replies[6]!;
    assert.equal(denied.json().reason, 'RATE_LIMITED');
    assert.ok(Number(denied.headers['retry-after']) >= 1);
  });

  test('the API-wide rate-limit policy (5 per window) holds across both processes', async () => {
    const replies = await alternate('/capped/x', 8);
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.match(String(replies[0]!.headers['ratelimit-policy']), /"api";q=5;w=3600/);
  });

  test('Redis unreachable: the tier limit fails closed (503 RATE_LIMIT_UNAVAILABLE), nothing reaches the upstream', async () => {
    const before = upstream.seen.length;
    const reply = await call(dead.url, '/tiered/x', { headers: auth });
    assert.equal(reply.status, 503);
    assert.equal(reply.json().reason, 'RATE_LIMIT_UNAVAILABLE');
    assert.equal(upstream.seen.length, before);
  });
});
