import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.ts';
import { TokenCache } from './token-cache.ts';

test('keys are SHA-256 hashes, never the token', () => {
  const key = TokenCache.keyOf('eyJhbGciOi.secret.token');
  assert.equal(key.length, 43);
  assert.ok(!key.includes('secret'));
});

test('entries die at exp, or at the TTL cap if sooner', () => {
  const clock = new ManualClock(1_000_000_000_000);
  const cache = new TokenCache<string>(clock, 10, 300_000);
  const nowS = clock.now() / 1000;
  cache.set('a', 'A', nowS + 60);
  cache.set('b', 'B', nowS + 3600);
  cache.set('gone', 'X', nowS - 1);
  assert.equal(cache.get('gone'), undefined);
  clock.advance(59_999);
  assert.equal(cache.get('a'), 'A');
  clock.advance(1);
  assert.equal(cache.get('a'), undefined);
  clock.advance(240_000);
  assert.equal(cache.get('b'), undefined, 'capped at 5 min although exp is 1 h away');
});

test('bounded: the least recently used entry goes first', () => {
  const clock = new ManualClock(1_000_000_000_000);
  const cache = new TokenCache<number>(clock, 3);
  const exp = clock.now() / 1000 + 100;
  cache.set('1', 1, exp);
  cache.set('2', 2, exp);
  cache.set('3', 3, exp);
  assert.equal(cache.get('1'), 1); // 1 is now the most recent
  cache.set('4', 4, exp);
  assert.equal(cache.size, 3);
  assert.equal(cache.get('2'), undefined);
  assert.deepEqual([cache.get('1'), cache.get('3'), cache.get('4')], [1, 3, 4]);
});
