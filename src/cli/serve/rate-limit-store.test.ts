import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rateLimitStoreFrom } from './rate-limit-store.ts';
import { freePort } from '../../platform/testing/free-port.ts';

test('no Redis URL: counters stay in memory (undefined store)', async () => {
  assert.equal(await rateLimitStoreFrom(undefined), undefined);
  assert.equal(await rateLimitStoreFrom('  '), undefined);
});

test('a Redis URL that is not redis:// is refused before connecting', async () => {
  await assert.rejects(rateLimitStoreFrom('http://127.0.0.1:6379'), /must be redis:\/\/host:port/);
});

test('an unreachable Redis stops the start, and the error names the host but never the password', { timeout: 15_000 }, async () => {
  const port = await freePort();
  await assert.rejects(rateLimitStoreFrom(`redis://:s3cr3t-pass@127.0.0.1:${port}`), (error: Error) => {
    assert.match(error.message, new RegExp(`cannot reach Redis at 127\\.0\\.0\\.1:${port}`));
    assert.ok(!error.message.includes('s3cr3t-pass'));
    return true;
  });
});

test('a reachable Redis gives a shared store', { skip: !process.env.GATEHOUSE_TEST_REDIS && 'set GATEHOUSE_TEST_REDIS to run' }, async () => {
  const store = await rateLimitStoreFrom(process.env.GATEHOUSE_TEST_REDIS, `gh-test-${process.pid}-`);
  assert.ok(store);
  const r = await store.hit('k', 1, 60_000, Date.now());
  assert.equal(r.allowed, true);
  await store.close?.();
});
