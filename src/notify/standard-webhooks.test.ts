import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateWebhookSecret, signWebhook, verifyWebhook, webhookSecretKey } from './standard-webhooks.ts';

// Test vector published with the Standard Webhooks reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

test('signs the published Standard Webhooks test vector', () => {
  const h = signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body);
  assert.equal(h['webhook-signature'], VECTOR.signature);
  assert.equal(h['webhook-id'], VECTOR.id);
  assert.equal(h['webhook-timestamp'], '1614265330');
});

test('verifies a good signature, also among several', () => {
  const h = signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body);
  assert.deepEqual(verifyWebhook(VECTOR.secret, { ...h }, VECTOR.body, VECTOR.timestamp + 10), { ok: true });
  const several = { ...h, 'webhook-signature': `v1,AAAA v2,xyz ${h['webhook-signature']}` };
  assert.deepEqual(verifyWebhook(VECTOR.secret, several, VECTOR.body, VECTOR.timestamp), { ok: true });
});

test('rejects tampering, replay, other secrets and missing headers', () => {
  const h = signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body);
  const now = VECTOR.timestamp;
  assert.equal(verifyWebhook(VECTOR.secret, { ...h }, VECTOR.body + ' ', now).ok, false);
  assert.deepEqual(verifyWebhook(VECTOR.secret, { ...h, 'webhook-id': 'msg_other' }, VECTOR.body, now), { ok: false, reason: 'no-matching-signature' });
  assert.deepEqual(verifyWebhook(VECTOR.secret, { ...h }, VECTOR.body, now + 301), { ok: false, reason: 'timestamp-out-of-tolerance' });
  assert.deepEqual(verifyWebhook(generateWebhookSecret(), { ...h }, VECTOR.body, now), { ok: false, reason: 'no-matching-signature' });
  assert.deepEqual(verifyWebhook(VECTOR.secret, { 'webhook-id': 'x' }, VECTOR.body, now), { ok: false, reason: 'missing-headers' });
  assert.deepEqual(verifyWebhook(VECTOR.secret, { ...h, 'webhook-timestamp': '12e5' }, VECTOR.body, now), { ok: false, reason: 'bad-timestamp' });
  // A v1 signature with the right bytes but re-labelled as another version does not count.
  assert.equal(verifyWebhook(VECTOR.secret, { ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v1a,') }, VECTOR.body, now).ok, false);
});

test('refuses secrets that are not whsec_ base64 of a sane length', () => {
  for (const bad of ['', 'secret', 'whsec_', 'whsec_short', 'whsec_' + 'A'.repeat(200), 'whsec_!!!!notbase64!!!!!!!!!!!!!!!!!!']) {
    assert.throws(() => webhookSecretKey(bad), (e: any) => e.code === 'VALIDATION_FAILED' && !e.message.includes(bad.slice(6) || '\u0000'));
  }
  assert.equal(webhookSecretKey(generateWebhookSecret()).length, 32);
});
