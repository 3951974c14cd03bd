import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_CALLER } from '../../src/control/index.ts';
import { startLifecycleScheduler, type LifecycleScheduler } from '../../src/control/lifecycle/index.ts';
import { startWorld, T0, type LifecycleWorld } from '../../src/control/lifecycle/testing/world.ts';
import { generateWebhookSecret } from '../../src/notify/standard-webhooks.ts';
import { channelsTo, mailSubject, mailText, startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from '../../src/notify/testing/receivers.ts';

/**
 * The clock walks day by day across every alert threshold of two credentials, with a restart halfway (a new store
 * and scheduler on the same SQLite file). Each threshold must reach each channel exactly once: a real HTTP receiver
 * verifying Standard Webhooks signatures, a real SMTP server, and the audit log.
 */
const DAY = 86_400_000;
const secret = generateWebhookSecret();
let world: LifecycleWorld;
let hooks: WebhookReceiver;
let mail: MailReceiver;

before(async () => {
  world = await startWorld();
  hooks = await startWebhookReceiver(secret, () => Math.floor(world.clock.now() / 1000));
  mail = await startMailReceiver();
});
after(async () => {
  await hooks?.close();
  await mail?.close();
  await world?.close();
});

function scheduler(store = world.store, lifecycleStore = world.lifecycleStore): LifecycleScheduler {
  const channels = channelsTo(hooks, secret, mail, store);
  return startLifecycleScheduler({ store, lifecycleStore, clock: world.clock, channels, intervalMs: 0 });
}

test('one alert per threshold per channel, across a restart, with retries', async () => {
  const { services } = world;
  const orders = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'orders', ownerContacts: ['owner@example.com'] });
  const late = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'late', ownerContacts: ['late@example.com'] });
  const ordersCred = (await services.credentials.issue(SYSTEM_CALLER, orders.id, { expiresInDays: 90 })).credential;
  // Created 10 days before expiry: 60 and 30 are already behind it, so its first alert is the 14-day one.
  const lateCred = (await services.credentials.issue(SYSTEM_CALLER, late.id, { expiresInDays: 10 })).credential;
  // Some traffic for "how much is it used".
  const api = await services.apis.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'orders-api', version: 'v1', basePath: '/orders', upstreamUrl: 'http://127.0.0.1:9' });
  await world.store.usage.addRollups([{ minute: T0 + 80 * DAY, apiId: api.id, appId: orders.id, statusClass: '2xx', count: 42, latencySumMs: 420, latencyMaxMs: 30 }]);
  await world.store.usage.touchApps([{ appId: orders.id, lastSeenAt: T0 + 80 * DAY, sourceAddresses: ['10.0.0.1'] }]);

  let s = scheduler();
  hooks.failNext(503); // the very first webhook fails once and must be retried, not lost or doubled
  for (let day = 0; day <= 95; day++) {
    world.clock.set(T0 + day * DAY + 3_600_000);
    if (day === 45) {
      // Restart: a new store (connection) and a new scheduler on the same file; the old one is gone.
      await s.stop();
      await world.store.close();
      const reopened = await world.reopen();
      Object.assign(world, reopened);
      s = scheduler(reopened.store, reopened.lifecycleStore);
    }
    const first = await s.tick();
    assert.equal(first.ran, true);
    assert.deepEqual(first.errors, []);
    await s.tick(); // a second tick at the same moment adds nothing
  }
  await s.stop();

  const hooksFor = (credentialId: string) => hooks.received.filter((h) => h.json.data.credential.id === credentialId);
  assert.ok(hooks.received.every((h) => h.verified), 'every webhook carries a valid Standard Webhooks signature');
  assert.deepEqual(hooksFor(ordersCred.id).map((h) => h.json.data.thresholdDays), [60, 30, 14, 7, 1]);
  assert.deepEqual(hooksFor(lateCred.id).map((h) => h.json.data.thresholdDays), [14, 7, 1]);
  assert.equal(new Set(hooks.received.map((h) => h.headers['webhook-id'])).size, hooks.received.length, 'webhook ids are unique per alert');

  const mailsTo = (address: string) => mail.received.filter((m) => m.to.includes(address));
  assert.equal(mailsTo('owner@example.com').length, 5);
  assert.equal(mailsTo('late@example.com').length, 3);
  assert.equal(mailsTo('admin@example.com').length, 8);
  assert.deepEqual(mailsTo('owner@example.com').map((m) => mailSubject(m.raw)), [
    '[Gatehouse] Secret of app "orders" expires in 60 days (2026-04-01)',
    '[Gatehouse] Secret of app "orders" expires in 30 days (2026-04-01)',
    '[Gatehouse] Secret of app "orders" expires in 14 days (2026-04-01)',
    '[Gatehouse] Secret of app "orders" expires in 7 days (2026-04-01)',
    '[Gatehouse] Secret of app "orders" expires in 1 day (2026-04-01)',
  ]);

  const sevenDay = mailText(mailsTo('owner@example.com')[3]!.raw);
  assert.match(sevenDay, /Usage: 42 calls in the last 30 days; last seen 2026-03-22T09:00:00.000Z/);
  assert.match(sevenDay, /gatehouse credential rotate --app app_/);
  assert.match(sevenDay, new RegExp(`key id ${ordersCred.keyId}`));
  const sevenDayHook = hooksFor(ordersCred.id)[3]!.json;
  assert.equal(sevenDayHook.type, 'credential.expiring');
  assert.deepEqual(sevenDayHook.data.usage, { calls: 42, windowDays: 30, lastUsedAt: '2026-03-22T09:00:00.000Z' });
  assert.equal(sevenDayHook.data.daysLeft, 7);
  assert.equal(sevenDayHook.data.credential.expiresAt, new Date(ordersCred.expiresAt!).toISOString());
  assert.ok(!JSON.stringify(hooks.received.map((h) => h.json)).includes('sha256:'), 'no secret hash in alerts');

  const audited = await world.store.audit.list({ type: 'credential.alerted' }, { limit: 100 });
  const auditedFor = (id: string) => audited.items.filter((e) => e.entityId === id).map((e) => (e.after as { thresholdDays: number }).thresholdDays);
  assert.deepEqual(auditedFor(ordersCred.id), [60, 30, 14, 7, 1]);
  assert.deepEqual(auditedFor(lateCred.id), [14, 7, 1]);
  assert.equal(audited.items[0]!.actor, 'system:lifecycle');

  // Ledger: the late credential's skipped thresholds are recorded as superseded, so they can never fire.
  const ledger = await world.lifecycleStore.listAlerts({ credentialId: lateCred.id });
  assert.deepEqual(ledger.filter((a) => a.status === 'superseded').map((a) => a.thresholdDays).sort(), [30, 30, 30, 60, 60, 60]);
  assert.ok(ledger.filter((a) => a.status !== 'superseded').every((a) => a.status === 'sent'));

  // The delivery log shows the one failed first attempt and its successful retry on the next tick.
  const webhookAlerts = [
    ...(await world.lifecycleStore.listAlerts({ credentialId: ordersCred.id, channel: 'webhook' })),
    ...(await world.lifecycleStore.listAlerts({ credentialId: lateCred.id, channel: 'webhook' })),
  ].filter((a) => a.status !== 'superseded');
  const retried = webhookAlerts.filter((a) => a.attempts > 1);
  assert.equal(retried.length, 1);
  assert.equal(retried[0]!.status, 'sent');
  const attempts = await world.lifecycleStore.listAttempts({ alertId: retried[0]!.id });
  assert.deepEqual(attempts.map((a) => [a.attempt, a.ok, a.statusCode]), [[1, false, 503], [2, true, 204]]);
  assert.equal(attempts[1]!.at - attempts[0]!.at, DAY, 'retried on the next tick after the 30 s backoff');
});

test('credentials that are retiring or removed are not alerted', async () => {
  const { services } = world;
  const app = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'quiet', ownerContacts: ['quiet@example.com'] });
  const cred = (await services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 5 })).credential;
  await services.credentials.revoke(SYSTEM_CALLER, app.id, cred.id);
  const s = scheduler();
  const report = await s.tick();
  await s.stop();
  assert.equal(report.ran, true);
  assert.equal((await world.lifecycleStore.listAlerts({ credentialId: cred.id })).length, 0);
  assert.equal(mail.received.filter((m) => m.to.includes('quiet@example.com')).length, 0);
});
