import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../core/clock.ts';
import { OidcDiscovery } from './discovery.ts';
import type { JsonGet } from './http-json.ts';

const URL_ = 'https://idp.example/tenant-a/.well-known/openid-configuration';

test('reads issuer and jwks_uri once', async () => {
  let calls = 0;
  const get: JsonGet = async () => {
    calls++;
    return { issuer: 'https://idp.example/tenant-a', jwks_uri: 'https://idp.example/keys' };
  };
  const d = new OidcDiscovery(URL_, { getJson: get });
  assert.deepEqual(await d.resolve(), { issuer: 'https://idp.example/tenant-a', jwks_uri: 'https://idp.example/keys' });
  await d.resolve();
  assert.equal(calls, 1);
});

test('a document whose issuer is not its URL is refused (no trusting another issuer)', async () => {
  const d = new OidcDiscovery(URL_, { getJson: async () => ({ issuer: 'https://evil.example', jwks_uri: 'https://evil.example/keys' }) });
  assert.equal(await d.resolve(), null);
});

test('failures are retried only after the cooldown', async () => {
  const clock = new ManualClock();
  let calls = 0;
  const d = new OidcDiscovery(URL_, { clock, cooldownMs: 30_000, getJson: async () => { calls++; throw new Error('down'); } });
  assert.equal(await d.resolve(), null);
  assert.equal(await d.resolve(), null);
  assert.equal(calls, 1);
  clock.advance(30_000);
  await d.resolve();
  assert.equal(calls, 2);
});
