import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeRotationNotice, rotationNoticeId, type RotationNoticeFacts } from './rotation-notice.ts';
import { deliveryUrl, linkChannelsFor } from './rotation-notice-ledger.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1, 9);
const facts: RotationNoticeFacts = {
  app: { id: 'app_1', name: 'billing', clientId: 'cid-1', contacts: ['owner@example.com'] },
  environment: { id: 'env_1', name: 'production' },
  windowDays: 30,
  replaced: { id: 'crd_old', keyId: 'key-old', hint: 'abc', expiresAt: NOW + 30 * DAY, retireAt: NOW + 7 * DAY },
  credential: { id: 'crd_new', keyId: 'key-new', hint: 'xyz', expiresAt: NOW + 180 * DAY },
  delivery: { id: 'dlv_1', expiresAt: NOW + 3 * DAY },
  linkChannels: ['webhook', 'email'],
  rotatedAt: NOW,
};
const LINK = 'https://gatehouse.example.com/v1/deliveries/dlv_1?key=' + 'k'.repeat(43);

test('the owner copy says what was replaced, the new key, the link and its expiry, the end of grace and what to do', () => {
  const n = composeRotationNotice(facts, LINK);
  assert.equal(n.type, 'credential.rotated');
  assert.equal(n.id, rotationNoticeId('crd_new'));
  assert.deepEqual([n.recipients, n.recipientsOnly], [['owner@example.com'], true]);
  assert.deepEqual(n.audit, { type: 'credential.alerted', entityType: 'credential', entityId: 'crd_new' });
  for (const part of ['abc… (key id key-old)', 'xyz… (key id key-new)', 'expires on 2026-08-28', LINK, 'before 2026-03-04 09:00 UTC',
    'keeps working until 2026-03-08 09:00 UTC (the 7-day grace period)', 'client id cid-1', 'gatehouse credential rotate --app app_1', '30 days before']) {
    assert.ok(n.text.includes(part), `text has ${part}:\n${n.text}`);
  }
  assert.equal((n.data.delivery as { url: string }).url, LINK);
  assert.equal((n.data.replaced as { retireAt: string }).retireAt, '2026-03-08T09:00:00.000Z');
});

test('the audit copy records that a link was sent, not the link', () => {
  const n = composeRotationNotice(facts, null);
  assert.ok(!JSON.stringify(n).includes('key='));
  assert.match(n.text, /was sent to the alert webhook and the app's owner contacts/);
  assert.deepEqual(n.data.delivery, { id: 'dlv_1', expiresAt: '2026-03-04T09:00:00.000Z', sentVia: ['webhook', 'email'] });
});

test('link channels: the webhook, and email only when the app has owner contacts; the audit log never', () => {
  const notices = { channels: ['webhook', 'email', 'audit'] as const, publicApiUrl: () => 'x', vault: { encrypt: (s: string) => s, decrypt: (s: string) => s } };
  assert.deepEqual(linkChannelsFor({ ...notices, channels: [...notices.channels] }, ['a@example.com']), ['webhook', 'email']);
  assert.deepEqual(linkChannelsFor({ ...notices, channels: ['email', 'audit'] }, []), []);
  assert.deepEqual(linkChannelsFor(undefined, ['a@example.com']), []);
  assert.equal(deliveryUrl('https://x.example/gh/', '/v1/deliveries/dlv_1?key=k'), 'https://x.example/gh/v1/deliveries/dlv_1?key=k');
});
