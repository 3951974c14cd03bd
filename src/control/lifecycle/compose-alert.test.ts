import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Credential } from '../../core/domain.ts';
import { alertId, composeExpiryAlert } from './compose-alert.ts';

const NOW = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;
const credential: Credential = {
  id: 'crd_1', ownerType: 'app', ownerId: 'app_1', kind: 'secret', keyId: 'k-1', hint: 'abc', secretHash: 'sha256:SECRETHASH',
  origin: 'gatehouse', state: 'active', createdAt: 0, expiresAt: NOW + 14 * DAY, retireAt: null, removedAt: null, lastUsedAt: null,
};
const facts = {
  credential,
  owner: { type: 'app' as const, id: 'app_1', name: 'orders', contacts: ['o@example.com'] },
  environments: [{ id: 'env_1', name: 'production' }],
  thresholdDays: 14,
  usage: { calls: 0, windowDays: 30, lastUsedAt: null },
  now: NOW,
};

test('an unused app: says so and suggests deleting', () => {
  const n = composeExpiryAlert(facts);
  assert.equal(n.subject, '[Gatehouse] Secret of app "orders" expires in 14 days (2026-03-15)');
  assert.match(n.text, /no calls in the last 30 days; never seen at the gateway/);
  assert.match(n.text, /delete it instead of rotating/);
  assert.deepEqual(n.recipients, ['o@example.com']);
  assert.equal(n.id, alertId('crd_1', 14));
  assert.ok(!JSON.stringify(n).includes('SECRETHASH'));
});

test('an expired external credential', () => {
  const n = composeExpiryAlert({ ...facts, credential: { ...credential, origin: 'external', expiresAt: NOW - DAY }, thresholdDays: 1 });
  assert.match(n.subject, /expired on 2026-02-28/);
  assert.match(n.text, /already refused/);
  assert.match(n.text, /outside Gatehouse/);
  assert.equal(n.data.expired, true);
});

test("the provider's own credential goes to admins only, with provider advice", () => {
  const n = composeExpiryAlert({ ...facts, credential: { ...credential, ownerType: 'provider', ownerId: 'prv_1' }, owner: { type: 'provider', id: 'prv_1', name: 'contoso', contacts: ['ignored@example.com'] } });
  assert.deepEqual(n.recipients, []);
  assert.match(n.subject, /provider "contoso" \(Gatehouse's own credential\)/);
  assert.match(n.text, /gatehouse provider rotate-credential contoso/);
});

test('ids differ per credential and threshold, and are stable', () => {
  assert.equal(alertId('crd_1', 7), alertId('crd_1', 7));
  assert.notEqual(alertId('crd_1', 7), alertId('crd_1', 14));
  assert.notEqual(alertId('crd_1', 7), alertId('crd_2', 7));
  assert.match(alertId('crd_1', 7), /^alr_[A-Za-z0-9_-]{26}$/);
});
