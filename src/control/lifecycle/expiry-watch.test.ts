import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_CALLER } from '../index.ts';
import type { Notification, NotificationChannel, DeliveryOutcome } from '../../notify/channel.ts';
import { auditChannel } from '../../notify/audit.ts';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from '../../notify/backoff.ts';
import { deliverDueAlerts, planExpiryAlerts } from './expiry-watch.ts';
import type { LifecycleDeps } from './deps.ts';
import { startWorld, T0, type LifecycleWorld } from './testing/world.ts';

const DAY = 86_400_000;
let world: LifecycleWorld;
let deps: LifecycleDeps;

function scripted(name: 'webhook' | 'email', outcomes: DeliveryOutcome[]): NotificationChannel & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    name, sent,
    async deliver(n) {
      sent.push(n);
      return outcomes.shift() ?? { ok: true, statusCode: 200, error: null, retryable: false };
    },
  };
}

before(async () => {
  world = await startWorld({ alertThresholdsDays: [30, 7] });
  deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore };
});
after(() => world?.close());

test('per-environment thresholds; retries follow the schedule, then give up; permanent failures stop at once', async () => {
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'a1' });
  const cred = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 40 })).credential;
  world.clock.set(T0 + 9 * DAY);
  assert.deepEqual(await planExpiryAlerts(deps, ['webhook', 'email']), { planned: 0, superseded: 0 }, '31 days left: before the 30-day threshold');
  world.clock.set(T0 + 10 * DAY);
  assert.deepEqual(await planExpiryAlerts(deps, ['webhook', 'email']), { planned: 2, superseded: 0 });
  assert.deepEqual(await planExpiryAlerts(deps, ['webhook', 'email']), { planned: 0, superseded: 0 }, 'idempotent');

  const failing = { ok: false, statusCode: 500, error: 'receiver answered HTTP 500', retryable: true };
  const webhook = scripted('webhook', Array(MAX_ATTEMPTS).fill(failing));
  const email = scripted('email', [{ ok: false, statusCode: 550, error: 'email not sent: EENVELOPE (SMTP 550)', retryable: false }]);
  assert.deepEqual(await deliverDueAlerts(deps, [webhook, email]), { delivered: 0, retrying: 1, failed: 1 });
  // Not due again until the backoff has passed.
  world.clock.advance(29_999);
  assert.deepEqual(await deliverDueAlerts(deps, [webhook, email]), { delivered: 0, retrying: 0, failed: 0 });
  for (let i = 0; i < 10; i++) {
    world.clock.advance(7 * 3_600_000);
    await deliverDueAlerts(deps, [webhook, email]);
  }
  assert.equal(webhook.sent.length, MAX_ATTEMPTS);
  assert.equal(email.sent.length, 1);
  const ledger = await world.lifecycleStore.listAlerts({ credentialId: cred.id });
  assert.deepEqual(ledger.map((a) => [a.channel, a.status, a.attempts]).sort(), [['email', 'failed', 1], ['webhook', 'failed', MAX_ATTEMPTS]]);
  assert.equal(new Set(webhook.sent.map((n) => n.id)).size, 1, 'the same id on every retry');
  const attempts = await world.lifecycleStore.listAttempts({ channel: 'webhook' });
  attempts.slice(1).forEach((a, i) => assert.ok(a.at - attempts[i]!.at >= RETRY_DELAYS_MS[i]!, `retry ${i + 1} waited its backoff`));
});

test('a channel dropped from the configuration fails its pending alerts instead of keeping them forever', async () => {
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'a2' });
  const cred = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 5 })).credential;
  await planExpiryAlerts(deps, ['webhook']);
  assert.deepEqual(await deliverDueAlerts(deps, []), { delivered: 0, retrying: 0, failed: 1 });
  const [row, ...rest] = await world.lifecycleStore.listAlerts({ credentialId: cred.id, status: 'failed' });
  assert.equal(rest.length, 0);
  assert.equal(row!.lastError, 'channel webhook is no longer configured');
});

test('the audit channel records once, even when asked twice for the same alert', async () => {
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'a3', ownerContacts: ['x@example.com'] });
  const cred = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 3 })).credential;
  await planExpiryAlerts(deps, ['audit']);
  const [row] = await world.lifecycleStore.listAlerts({ credentialId: cred.id, channel: 'audit', status: 'pending' });
  const channel = auditChannel(world.store);
  await channel.deliver(row!.payload as unknown as Notification, world.clock.now());
  await channel.deliver(row!.payload as unknown as Notification, world.clock.now());
  const events = await world.store.audit.list({ type: 'credential.alerted', entityId: cred.id });
  assert.equal(events.items.length, 1);
  const after = events.items[0]!.after as Record<string, any>;
  assert.equal(after.thresholdDays, 7);
  assert.equal(after.credential.id, cred.id);
  assert.ok(!JSON.stringify(after).includes('sha256:'));
});
