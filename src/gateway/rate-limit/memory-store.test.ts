import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRateLimitStore } from './memory-store.ts';

test('fixed window aligned to the epoch: counts, denies without counting, resets at the window edge', () => {
  const store = new MemoryRateLimitStore();
  const t = 1_000_000_020_000 - (1_000_000_020_000 % 60_000) + 20_000; // 20 s into a minute window
  assert.deepEqual(store.hit('k', 2, 60_000, t), { allowed: true, remaining: 1, resetMs: 40_000, limit: 2 });
  assert.deepEqual(store.hit('k', 2, 60_000, t + 1000), { allowed: true, remaining: 0, resetMs: 39_000, limit: 2 });
  assert.deepEqual(store.hit('k', 2, 60_000, t + 2000), { allowed: false, remaining: 0, resetMs: 38_000, limit: 2 });
  assert.equal(store.hit('other', 2, 60_000, t).allowed, true);
  assert.deepEqual(store.hit('k', 2, 60_000, t + 40_000), { allowed: true, remaining: 1, resetMs: 60_000, limit: 2 });
});

test('expired counters are swept, so memory does not grow with old keys', () => {
  const store = new MemoryRateLimitStore();
  const t = 1_000_000_000_000;
  for (let i = 0; i < 1000; i++) store.hit('k' + i, 10, 1000, t);
  assert.equal(store.size, 1000);
  store.hit('fresh', 10, 1000, t + 5000);
  assert.equal(store.size, 1);
});

test('maxKeys bounds the map by dropping the oldest key', () => {
  const store = new MemoryRateLimitStore({ maxKeys: 3 });
  const t = 1_000_000_000_000;
  for (const k of ['a', 'b', 'c', 'd']) store.hit(k, 1, 60_000, t);
  assert.equal(store.size, 3);
  assert.equal(store.hit('a', 1, 60_000, t).allowed, true); // 'a' was dropped, so it starts over
  assert.equal(store.hit('d', 1, 60_000, t).allowed, false);
});
