import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_CALLER } from '../index.ts';
import type { Notification, NotificationChannel } from '../../notify/channel.ts';
import type { LifecycleDeps } from './deps.ts';
import { deliverDueAlerts } from './expiry-watch.ts';
import { planRetirementWarnings, RETIREMENT_WARNING_THRESHOLD } from './retirement-watch.ts';
import { RETIREMENT_WARNING_TYPE, retirementWarningId } from './retirement-warning.ts';
import { rotationNoticeId } from './rotation-notice.ts';
import { extendGrace, rotateCredential } from './rotation.ts';
import { startWorld, type LifecycleWorld } from './testing/world.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let world: LifecycleWorld;
let deps: LifecycleDeps;

before(async () => {
  world = await startWorld();
  deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore };
});
after(() => world?.close());

function recording(name: 'webhook' | 'email' | 'audit'): NotificationChannel & { sent: Notification[] } {
  const sent: Notification[] = [];
  return { name, sent, async deliver(n) { sent.push(n); return { ok: true, statusCode: 200, error: null, retryable: false }; } };
}

/** An app with one secret, rotated now (7-day grace): returns the retiring and the replacement credential ids. */
async function rotatedApp(name: string) {
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name, ownerContacts: [`${name}@example.com`] });
  await world.services.credentials.issue(SYSTEM_CALLER, app.id);
  const rotated = await rotateCredential(deps, SYSTEM_CALLER, { appId: app.id });
  return { appId: app.id, oldId: rotated.retiring[0]!.id, newId: rotated.credential.id, retireAt: rotated.retiring[0]!.retireAt! };
}
const used = (credentialId: string, at: number, source: 'gateway' | 'idp' = 'gateway') =>
  world.store.credentials.recordLastUse([{ credentialId, lastUsedAt: at, source }]);
const warnedIds = (r: Awaited<ReturnType<typeof planRetirementWarnings>>) => r.warned.map((w) => w.credentialId).sort();

test('a retiring secret still used after its rotation is warned about once per channel, within 24 h of removal', async () => {
  world.clock.advance(DAY);
  const stuck = await rotatedApp('stuck');          // keeps using the old secret; the new one never seen
  const switched = await rotatedApp('switched');    // used the old one for an hour, then the new one
  const mixed = await rotatedApp('mixed');          // one instance switched, another still on the old secret
  const before = await rotatedApp('quiet');         // old secret last used at the rotation itself, not after
  const rotatedAt = world.clock.now();
  await used(before.oldId, rotatedAt);
  await used(switched.oldId, rotatedAt + HOUR);
  await used(switched.newId, rotatedAt + 2 * HOUR);

  world.clock.set(stuck.retireAt - DAY - 1);
  await used(stuck.oldId, world.clock.now());
  await used(mixed.oldId, world.clock.now());
  await used(mixed.newId, world.clock.now());
  assert.deepEqual(await planRetirementWarnings(deps, ['webhook', 'email', 'audit']), { planned: 0, warned: [] }, 'outside the window');

  world.clock.advance(1);
  await used(switched.newId, world.clock.now());
  const report = await planRetirementWarnings(deps, ['webhook', 'email', 'audit']);
  assert.equal(report.planned, 6);
  assert.deepEqual(warnedIds(report), [mixed.oldId, stuck.oldId].sort());
  assert.deepEqual(report.warned.find((w) => w.credentialId === stuck.oldId)?.replacementUsed, false);
  assert.deepEqual(report.warned.find((w) => w.credentialId === mixed.oldId)?.replacementUsed, true);
  assert.deepEqual(await planRetirementWarnings(deps, ['webhook', 'email', 'audit']), { planned: 0, warned: [] }, 'idempotent');

  const rows = await world.lifecycleStore.listAlerts({ credentialId: stuck.oldId });
  assert.deepEqual(rows.map((r) => [r.kind, r.thresholdDays, r.channel, r.status]).sort(), [
    ['retirement', RETIREMENT_WARNING_THRESHOLD, 'audit', 'pending'],
    ['retirement', RETIREMENT_WARNING_THRESHOLD, 'email', 'pending'],
    ['retirement', RETIREMENT_WARNING_THRESHOLD, 'webhook', 'pending'],
  ]);

  // Delivered by the ordinary outbox, composed at planning time.
  const webhook = recording('webhook');
  assert.deepEqual(await deliverDueAlerts(deps, [webhook, recording('email'), recording('audit')]), { delivered: 6, retrying: 0, failed: 0 });
  const sent = webhook.sent.find((n) => n.id === retirementWarningId(stuck.oldId))!;
  assert.equal(sent.type, RETIREMENT_WARNING_TYPE);
  assert.deepEqual(sent.recipients, ['stuck@example.com']);
  assert.equal((sent.data.credential as { lastUsedAt: string }).lastUsedAt, new Date(stuck.retireAt - DAY - 1).toISOString());
  assert.equal((sent.data.replacement as { id: string; used: boolean }).id, stuck.newId);
  assert.equal((sent.data.replacement as { used: boolean }).used, false);

  // Used again later in the window: still nothing more.
  world.clock.advance(HOUR);
  await used(stuck.oldId, world.clock.now());
  assert.deepEqual(await planRetirementWarnings(deps, ['webhook', 'email', 'audit']), { planned: 0, warned: [] });
  // A use first seen later in the window (IdP report lag) still warns, before the removal.
  await used(switched.oldId, world.clock.now(), 'idp');
  assert.deepEqual(warnedIds(await planRetirementWarnings(deps, ['webhook'])), [switched.oldId]);
  // At retireAt the sweeper removes it in the same tick: no warning any more.
  world.clock.set(stuck.retireAt);
  await used(before.oldId, world.clock.now());
  assert.deepEqual(await planRetirementWarnings(deps, ['webhook']), { planned: 0, warned: [] });
});

test('a secret created by a scheduled rotation still gets its warning when it is rotated in turn (no ledger-key collision)', async () => {
  const first = await rotatedApp('twice');
  // As a scheduled rotation leaves it: rotation-notice rows keyed on the new credential with threshold 0.
  for (const channel of ['webhook', 'email'] as const) {
    await world.lifecycleStore.claimAlert({
      id: `${rotationNoticeId(first.newId)}.${channel}`, kind: 'rotation', credentialId: first.newId, thresholdDays: 0, channel,
      status: 'sent', payload: {}, attempts: 1, nextAttemptAt: 0, lastError: null, createdAt: world.clock.now(), sentAt: world.clock.now(),
    });
  }
  world.clock.advance(HOUR);
  const second = await rotateCredential(deps, SYSTEM_CALLER, { appId: first.appId, credentialId: first.newId, graceDays: 1 });
  world.clock.advance(HOUR);
  await used(first.newId, world.clock.now());
  const report = await planRetirementWarnings(deps, ['webhook', 'email']);
  assert.ok(warnedIds(report).includes(first.newId));
  const rows = await world.lifecycleStore.listAlerts({ credentialId: first.newId });
  assert.deepEqual(rows.map((r) => `${r.kind}:${r.channel}`).sort(), ['retirement:email', 'retirement:webhook', 'rotation:email', 'rotation:webhook']);
  const payload = rows.find((r) => r.kind === 'retirement')!.payload as unknown as Notification;
  assert.equal((payload.data.replacement as { id: string }).id, second.credential.id);
});

test('no channels configured: nothing is planned', async () => {
  assert.deepEqual(await planRetirementWarnings(deps, []), { planned: 0, warned: [] });
});

test('extend-grace moves retireAt within bounds, is audited, and the warning still measures from the rotation', async () => {
  const r = await rotatedApp('late');
  const rotatedAt = world.clock.now();
  const input = { appId: r.appId, credentialId: r.oldId };
  await assert.rejects(extendGrace(deps, SYSTEM_CALLER, { ...input, days: 0 }), { code: 'VALIDATION_FAILED' });
  await assert.rejects(extendGrace(deps, SYSTEM_CALLER, { ...input, days: 1.5 }), { code: 'VALIDATION_FAILED' });
  await assert.rejects(extendGrace(deps, SYSTEM_CALLER, { ...input, days: 24 }), { code: 'VALIDATION_FAILED' }, '7 + 24 days: past 30 days from now');
  await assert.rejects(extendGrace(deps, SYSTEM_CALLER, { appId: r.appId, credentialId: r.newId, days: 1 }), { code: 'INVALID_STATE_TRANSITION' }, 'active: nothing to extend');
  const other = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'other' });
  await assert.rejects(extendGrace(deps, SYSTEM_CALLER, { appId: other.id, credentialId: r.oldId, days: 1 }), { code: 'NOT_FOUND' }, 'another app\'s credential');
  await assert.rejects(extendGrace(deps, { actor: 'tok_x', role: 'consumer', subject: 'mallory' }, { ...input, days: 1 }), { code: 'NOT_FOUND' });

  world.clock.advance(2 * DAY);
  const extended = await extendGrace(deps, SYSTEM_CALLER, { ...input, days: 3 });
  assert.equal(extended.retireAt, r.retireAt + 3 * DAY);
  assert.ok(!JSON.stringify(extended).includes('secretHash'));
  const events = (await world.store.audit.list({ entityType: 'credential', entityId: r.oldId, type: 'credential.retiring' })).items;
  assert.equal(events.length, 2);
  assert.equal((events[1]!.after as { retireAt: number }).retireAt, r.retireAt + 3 * DAY, 'oldest first: the rotation, then the extension');

  // Used after the rotation (but before the extension): still warned, 24 h before the NEW end of grace.
  await used(r.oldId, rotatedAt + HOUR);
  world.clock.set(r.retireAt - HOUR);
  assert.ok(!warnedIds(await planRetirementWarnings(deps, ['webhook'])).includes(r.oldId), 'the old end of grace has moved');
  world.clock.set(r.retireAt + 3 * DAY - HOUR);
  const report = await planRetirementWarnings(deps, ['webhook']);
  assert.deepEqual(warnedIds(report), [r.oldId]);
  const row = (await world.lifecycleStore.listAlerts({ credentialId: r.oldId, kind: 'retirement' }))[0]!;
  assert.equal(((row.payload as unknown as Notification).data as { rotatedAt: string }).rotatedAt, new Date(rotatedAt).toISOString());

  // Never past the secret's own expiry.
  const expiring = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'expiring' });
  await world.services.credentials.issue(SYSTEM_CALLER, expiring.id, { expiresInDays: 5 });
  const rotated = await rotateCredential(deps, SYSTEM_CALLER, { appId: expiring.id, graceDays: 3 });
  await assert.rejects(extendGrace(deps, SYSTEM_CALLER, { appId: expiring.id, credentialId: rotated.retiring[0]!.id, days: 3 }), { code: 'VALIDATION_FAILED', message: /secret expires/ });
  assert.equal((await extendGrace(deps, SYSTEM_CALLER, { appId: expiring.id, credentialId: rotated.retiring[0]!.id, days: 2 })).retireAt, rotated.retiring[0]!.retireAt! + 2 * DAY);
});
