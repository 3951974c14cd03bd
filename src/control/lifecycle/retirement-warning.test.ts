import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeRetirementWarning, RETIREMENT_WARNING_TYPE, retirementWarningId, type RetirementWarningFacts } from './retirement-warning.ts';

const HOUR = 3_600_000;
const now = Date.UTC(2026, 2, 10, 9);
const facts = (over: Partial<RetirementWarningFacts> = {}): RetirementWarningFacts => ({
  app: { id: 'app_1', name: 'shop', clientId: 'cid-1', contacts: ['owner@example.com'] },
  environment: { id: 'env_1', name: 'production' },
  credential: { id: 'crd_old', keyId: 'key-old', hint: 'AbC', expiresAt: now + 30 * 24 * HOUR, retireAt: now + 20 * HOUR, lastUsedAt: now - HOUR, lastUsedSource: 'gateway' },
  rotatedAt: now - 6 * 24 * HOUR,
  replacement: { id: 'crd_new', keyId: 'key-new', hint: 'XyZ', createdAt: now - 6 * 24 * HOUR, lastUsedAt: null, lastUsedSource: null },
  canExtendGrace: true,
  now,
  ...over,
});

test('the warning names app, key, last use and source, removal time, the unused replacement, and what to do', () => {
  const n = composeRetirementWarning(facts());
  assert.equal(n.id, retirementWarningId('crd_old'));
  assert.equal(n.type, RETIREMENT_WARNING_TYPE);
  assert.equal(n.subject, '[Gatehouse] Old secret of app "shop" still in use: removed at 2026-03-11 05:00 UTC');
  for (const fact of [
    'AbC… (key id key-old)', 'app "shop" in production', 'last used 2026-03-10 08:00 UTC (seen by the gateway)',
    'replaced on 2026-03-04 09:00 UTC', 'removed at 2026-03-11 05:00 UTC (in about 20 hours)',
    'XyZ… (key id key-new) has never been used', 'deploy the new secret XyZ…', '(client id cid-1)',
    '`gatehouse credential rotate --app app_1`', '`gatehouse credential extend-grace crd_old --app app_1 --by 3d`',
    'POST /v1/apps/app_1/credentials/crd_old/extend-grace',
  ]) assert.ok(n.text.includes(fact), `says ${fact}:\n${n.text}`);
  assert.deepEqual(n.recipients, ['owner@example.com']);
  assert.equal(n.recipientsOnly, undefined, 'no secret in it: admins get it too');
  assert.deepEqual(n.audit, { type: 'credential.alerted', entityType: 'credential', entityId: 'crd_old' });
  assert.deepEqual(n.data.credential, {
    id: 'crd_old', keyId: 'key-old', hint: 'AbC', expiresAt: '2026-04-09T09:00:00.000Z', retireAt: '2026-03-11T05:00:00.000Z',
    lastUsedAt: '2026-03-10T08:00:00.000Z', lastUsedSource: 'gateway',
  });
  assert.deepEqual(n.data.replacement, {
    id: 'crd_new', keyId: 'key-new', hint: 'XyZ', createdAt: '2026-03-04T09:00:00.000Z', used: false, lastUsedAt: null, lastUsedSource: null,
  });
  assert.equal(n.data.hoursLeft, 20);
  assert.equal(n.data.event, RETIREMENT_WARNING_TYPE, 'the audit copy says which notice it was');
});

test('an Entra-seen use, a replacement in use, and no replacement at all', () => {
  const mixed = composeRetirementWarning(facts({
    credential: { ...facts().credential, lastUsedSource: 'idp' },
    replacement: { ...facts().replacement!, lastUsedAt: now - 2 * HOUR, lastUsedSource: 'gateway' },
  }));
  assert.ok(mixed.text.includes('(seen by the Entra sign-in report)'));
  assert.ok(mixed.text.includes('was last used 2026-03-10 07:00 UTC (gateway): some clients switched, at least one did not'));
  assert.equal((mixed.data.replacement as { used: boolean }).used, true);

  const none = composeRetirementWarning(facts({ replacement: null, canExtendGrace: false }));
  assert.ok(none.text.includes('The app has no active secret left to switch to.'));
  assert.ok(none.text.includes('rotate now with `gatehouse credential rotate --app app_1`'));
  assert.ok(!none.text.includes('extend-grace'));
  assert.equal(none.data.replacement, null);
});
