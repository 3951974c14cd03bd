import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.ts';
import { JwksCache, type JwksFetchOutcome } from './jwks-cache.ts';
import { getJson } from './http-json.ts';
import { newTestKey, startJwksServer, type TestJwksServer, type TestKey } from './test-kit.ts';

describe('JwksCache', () => {
  let server: TestJwksServer;
  let k1: TestKey;
  let k2: TestKey;
  before(async () => {
    k1 = await newTestKey('k1');
    k2 = await newTestKey('k2');
    server = await startJwksServer([k1.publicJwk]);
  });
  after(() => server.close());

  const setup = (options: { maxStaleMs?: number; cooldownMs?: number } = {}) => {
    server.mode = 'ok';
    server.keys = [k1.publicJwk];
    server.hits.length = 0;
    const clock = new ManualClock();
    const outcomes: JwksFetchOutcome[] = [];
    const cache = new JwksCache({
      url: `${server.url}/keys`, clock, refreshIntervalMs: 3_600_000, cooldownMs: 60_000,
      maxStaleMs: 600_000, onFetch: (o) => outcomes.push(o), ...options,
      // Short timeout only where the server hangs: a loaded CI machine may take a while to answer loopback calls.
      getJson: (url, o) => getJson(url, { ...o, timeoutMs: server.mode === 'hang' ? 150 : 5000 }),
    });
    return { clock, cache, outcomes };
  };

  test('fetches once, then serves from cache', async () => {
    const { cache, outcomes } = setup();
    assert.equal((await cache.lookup('k1', 'RS256')).ok, true);
    assert.equal((await cache.lookup('k1', 'RS256')).ok, true);
    assert.deepEqual(outcomes, ['ok']);
  });

  test('unknown kid: one refetch, then nothing more during the cooldown; a rotated-in key is found', async () => {
    const { clock, cache } = setup();
    await cache.lookup('k1', 'RS256');
    server.keys = [k1.publicJwk, k2.publicJwk];
    assert.deepEqual(await cache.lookup('k2', 'RS256'), { ok: false, reason: 'TOKEN_UNKNOWN_KEY' }, 'the first fetch starts the cooldown');
    clock.advance(60_001);
    assert.equal((await cache.lookup('k2', 'RS256')).ok, true);
    const before = server.hits.length;
    for (let i = 0; i < 5; i++) assert.deepEqual(await cache.lookup('nope', 'RS256'), { ok: false, reason: 'TOKEN_UNKNOWN_KEY' });
    assert.equal(server.hits.length, before, 'no fetch during cooldown');
    clock.advance(60_001);
    await cache.lookup('nope', 'RS256');
    assert.equal(server.hits.length, before + 1);
  });

  for (const mode of ['not_json', 'hang', 'error'] as const) {
    test(`IdP ${mode}: cached keys still verify, unknown kids fail closed, first fetch fails closed`, async () => {
      const { clock, cache, outcomes } = setup();
      await cache.lookup('k1', 'RS256');
      server.mode = mode;
      clock.advance(3_600_001); // due for refresh
      assert.equal((await cache.lookup('k1', 'RS256')).ok, true, 'stale keys served while refreshing');
      clock.advance(60_001);
      assert.deepEqual(await cache.lookup('k2', 'RS256'), { ok: false, reason: 'JWKS_UNAVAILABLE' });
      assert.equal((await cache.lookup('k1', 'RS256')).ok, true);
      const expected = mode === 'not_json' ? 'not_json' : mode === 'hang' ? 'timeout' : 'status';
      assert.ok(outcomes.includes(expected), `${outcomes}`);

      const fresh = setup();
      server.mode = mode;
      assert.deepEqual(await fresh.cache.lookup('k1', 'RS256'), { ok: false, reason: 'JWKS_UNAVAILABLE' });
    });
  }

  test('stale keys are served only up to maxStaleMs past their refresh time', async () => {
    const { clock, cache } = setup({ maxStaleMs: 600_000 });
    await cache.lookup('k1', 'RS256');
    server.mode = 'error';
    clock.advance(3_600_000 + 599_000);
    assert.equal((await cache.lookup('k1', 'RS256')).ok, true);
    clock.advance(2_000);
    assert.deepEqual(await cache.lookup('k1', 'RS256'), { ok: false, reason: 'JWKS_UNAVAILABLE' });
    server.mode = 'ok';
    clock.advance(60_001);
    assert.equal((await cache.lookup('k1', 'RS256')).ok, true, 'recovers once the IdP is back');
  });

  test('a key verifies only the algorithms it allows; symmetric and encryption keys are ignored', async () => {
    const ec = await newTestKey('ec', 'ES256');
    const { cache } = setup();
    server.keys = [
      k1.publicJwk,
      { ...k2.publicJwk, alg: 'RS256' },
      ec.publicJwk,
      { kty: 'oct', kid: 'sym', k: 'c2VjcmV0' },
      { ...k2.publicJwk, kid: 'enc', use: 'enc' },
    ];
    assert.deepEqual(await cache.lookup('ec', 'RS256'), { ok: false, reason: 'TOKEN_ALG_NOT_ALLOWED' });
    assert.equal((await cache.lookup('ec', 'ES256')).ok, true);
    assert.deepEqual(await cache.lookup('k2', 'PS256'), { ok: false, reason: 'TOKEN_ALG_NOT_ALLOWED' });
    assert.equal((await cache.lookup('k1', 'PS256')).ok, true, 'an RSA key without alg allows PS256');
    assert.deepEqual(await cache.lookup('sym', 'HS256'), { ok: false, reason: 'TOKEN_UNKNOWN_KEY' });
    assert.deepEqual(await cache.lookup('enc', 'RS256'), { ok: false, reason: 'TOKEN_UNKNOWN_KEY' });
  });

  test('a key set without usable keys is treated as a failed fetch (the last good keys stay)', async () => {
    const { clock, cache, outcomes } = setup();
    await cache.lookup('k1', 'RS256');
    server.keys = [{ kty: 'oct', kid: 'sym', k: 'c2VjcmV0' }];
    clock.advance(60_001);
    assert.deepEqual(await cache.lookup('k9', 'RS256'), { ok: false, reason: 'JWKS_UNAVAILABLE' });
    assert.equal((await cache.lookup('k1', 'RS256')).ok, true);
    assert.deepEqual(outcomes, ['ok', 'invalid']);
  });

  test('concurrent lookups share one fetch', async () => {
    const { cache } = setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.lookup('k1', 'RS256')));
    assert.ok(results.every((r) => r.ok), 'every caller waits for the one fetch, none fails for being second');
    assert.equal(server.hits.length, 1);
    const unknown = await Promise.all(Array.from({ length: 5 }, () => cache.lookup('nope', 'RS256')));
    assert.ok(unknown.every((r) => !r.ok && r.reason === 'TOKEN_UNKNOWN_KEY'));
    assert.equal(server.hits.length, 1, 'still in cooldown');
  });
});
