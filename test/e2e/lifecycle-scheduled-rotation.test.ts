import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { createManagementApi, startManagementServer } from '../../src/api/index.ts';
import type { LifecycleStore } from '../../src/core/ports/lifecycle.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { SYSTEM_CALLER } from '../../src/control/index.ts';
import { rotationNoticeId, type RotationNoticeDeps } from '../../src/control/lifecycle/rotation-notice.ts';
import type { ScheduledRotationReport } from '../../src/control/lifecycle/scheduled-rotation.ts';
import { LifecycleService } from '../../src/control/lifecycle/service.ts';
import { startLifecycleScheduler } from '../../src/control/lifecycle/scheduler.ts';
import { startWorld, T0, type LifecycleWorld } from '../../src/control/lifecycle/testing/world.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { call } from '../../src/gateway/testing/client.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { basic } from '../../src/gateway/testing/world.ts';
import type { NotificationChannel } from '../../src/notify/index.ts';
import { generateWebhookSecret } from '../../src/notify/standard-webhooks.ts';
import { channelsTo, mailSubject, mailText, startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from '../../src/notify/testing/receivers.ts';
import { vaultFromKey } from '../../src/platform/vault.ts';

/**
 * Scheduled rotation tells the owner: the clock moves into the rotation window, a tick rotates the app's secret and
 * queues a `credential.rotated` notice in the alert outbox; a real HTTP receiver gets one signed webhook (after one
 * failed try) and a real SMTP server one email to the owner, both with the one-time link. The link opens once over
 * the real management API and its secret works at the real gateway. A restart on the same SQLite file sends nothing
 * again, and the link's key appears in no log line, audit event, ledger row or delivery log entry.
 *
 * A tick here runs the scheduler's phases (scheduled rotation, expiry alerts, delivery) with `rotationNotices` in the
 * deps. Rotation comes first so a secret rotated at a threshold gets the rotation notice, not also an expiry alert
 * telling the owner to rotate it.
 */
const DAY = 86_400_000;
const hookSecret = generateWebhookSecret();
const vault = vaultFromKey(randomBytes(32));
const logLines: string[] = [];
const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

let world: LifecycleWorld;
let hooks: WebhookReceiver;
let mail: MailReceiver;
let upstream: TestUpstream;
let gateway: Gateway;
let api: { url: string; close(): Promise<void> };

before(async () => {
  world = await startWorld();
  hooks = await startWebhookReceiver(hookSecret, () => Math.floor(world.clock.now() / 1000));
  mail = await startMailReceiver();
  upstream = await startUpstream();
  gateway = await startGateway({ store: world.store, port: 0, clock: world.clock, pollIntervalMs: 60_000 });
  const lifecycle = new LifecycleService({ store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore });
  api = await startManagementServer({ app: createManagementApi({ store: world.store, clock: world.clock, lifecycle, logger }), port: 0 });
});
after(async () => {
  await api?.close();
  await gateway?.close();
  await upstream?.close();
  await hooks?.close();
  await mail?.close();
  await world?.close();
});

function node(store: Store, lifecycleStore: LifecycleStore) {
  const channels: NotificationChannel[] = channelsTo(hooks, hookSecret, mail, store);
  const rotationNotices: RotationNoticeDeps = { channels: channels.map((c) => c.name), publicApiUrl: () => api.url, vault };
  const scheduler = startLifecycleScheduler({ store, lifecycleStore, clock: world.clock, channels, intervalMs: 0, logger, rotationNotices });
  schedulers.push(scheduler);
  return {
    async tick(): Promise<ScheduledRotationReport> {
      const r = await scheduler.tick();
      assert.deepEqual(r.errors, []);
      return r.scheduledRotation!;
    },
  };
}
const schedulers: { stop(): Promise<void> }[] = [];
after(async () => { for (const s of schedulers) await s.stop().catch(() => {}); });

const rotatedHooks = () => hooks.received.filter((h) => h.json.type === 'credential.rotated');
const rotatedMails = () => mail.received.filter((m) => /X-Gatehouse-Event: credential\.rotated/.test(m.raw));

test('a scheduled rotation notifies the owner once per channel with a one-time link that works once', async () => {
  const { services } = world;
  const ordersApi = await services.apis.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'orders', version: 'v1', basePath: '/orders', upstreamUrl: upstream.url });
  const tier = await services.tiers.create(SYSTEM_CALLER, ordersApi.id, { name: 'gold', limit: { requests: 1000, windowSeconds: 60 }, approval: 'auto' });
  const app = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'shop', ownerContacts: ['owner@example.com'] });
  await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: ordersApi.id, tierId: tier.id });
  const issued = await services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 90 });
  await services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: 30 } });
  const probe = async (secret: string) => (await call(gateway.url, '/orders/items', { headers: { authorization: basic(issued.clientId!, secret) } })).status;

  let n = node(world.store, world.lifecycleStore);
  world.clock.set(T0 + 59 * DAY + 3_600_000); // 31 days left: outside the window
  assert.deepEqual((await n.tick()).rotated, []);

  // Into the window: rotated, and the notice queued and sent in the same tick — the webhook fails once first.
  hooks.failNext(503);
  world.clock.set(T0 + 60 * DAY + 3_600_000);
  const report = await n.tick();
  assert.deepEqual(report.errors, []);
  assert.equal(report.rotated.length, 1);
  const r = report.rotated[0]!;
  assert.deepEqual([r.retiredCredentialId, r.noticeChannels, r.ownerNotified], [issued.credential.id, ['webhook', 'email', 'audit'], true]);
  assert.equal(rotatedHooks().length, 0, 'the first try was refused');
  assert.equal(rotatedMails().length, 1);
  world.clock.advance(30_000); // the first retry is due 30 s later
  await n.tick();
  assert.equal(rotatedHooks().length, 1);

  // The webhook: signed, distinct event type, stable id, the link and the facts the owner needs.
  const hook = rotatedHooks()[0]!;
  assert.equal(hook.verified, true);
  assert.equal(hook.headers['webhook-id'], rotationNoticeId(r.credentialId));
  const data = hook.json.data;
  const fresh = (await world.store.credentials.get(r.credentialId))!;
  const retired = (await world.store.credentials.get(issued.credential.id))!;
  assert.deepEqual(data.credential, { id: fresh.id, keyId: fresh.keyId, hint: fresh.hint, expiresAt: new Date(fresh.expiresAt!).toISOString() });
  assert.equal(data.replaced.id, retired.id);
  assert.equal(data.replaced.retireAt, new Date(retired.retireAt!).toISOString());
  assert.equal(data.delivery.expiresAt, new Date(r.deliveryExpiresAt).toISOString());
  const link = new URL(data.delivery.url);
  assert.equal(`${link.origin}${link.pathname}`, `${api.url}/v1/deliveries/${r.deliveryId}`);
  const key = link.searchParams.get('key')!;
  assert.match(key, /^[A-Za-z0-9_-]{43}$/);

  // The email: to the owner only (the link is theirs, admins are not copied), with the link and what to do.
  const email = rotatedMails()[0]!;
  assert.deepEqual(email.to, ['owner@example.com']);
  assert.match(mailSubject(email.raw), /Secret of app "shop" rotated/);
  const body = mailText(email.raw);
  assert.ok(body.includes(link.toString()), 'the link is in the email');
  for (const fact of [fresh.keyId, retired.keyId, new Date(retired.retireAt!).toISOString().slice(0, 16).replace('T', ' '), 'What to do:']) {
    assert.ok(body.includes(fact), `the email says ${fact}`);
  }

  // The link opens once over the management API; its secret works at the gateway, and so does the old one (grace).
  const opened = await fetch(link);
  assert.equal(opened.status, 200);
  const { secret, credentialId } = (await opened.json()) as { secret: string; credentialId: string };
  assert.equal(credentialId, r.credentialId);
  assert.equal((await fetch(link)).status, 404, 'a second open fails');
  await gateway.refresh();
  assert.equal(await probe(secret), 200);
  assert.equal(await probe(issued.secret), 200);

  // Later ticks and a restart (new store and node on the same file) send nothing again.
  world.clock.advance(DAY);
  await n.tick();
  await schedulers[0]!.stop();
  await world.store.close();
  Object.assign(world, await world.reopen());
  n = node(world.store, world.lifecycleStore);
  world.clock.advance(DAY);
  assert.deepEqual((await n.tick()).rotated, []);
  world.clock.advance(7 * 3_600_000);
  await n.tick();
  assert.equal(rotatedHooks().length, 1);
  assert.equal(rotatedMails().length, 1);
  const ledger = await world.lifecycleStore.listAlerts({ credentialId: r.credentialId, kind: 'rotation' });
  assert.deepEqual(ledger.map((a) => [a.channel, a.status]).sort(), [['audit', 'sent'], ['email', 'sent'], ['webhook', 'sent']]);

  // The audit log records that a link was sent, not the link.
  const audited = (await world.store.audit.list({ entityType: 'credential', entityId: r.credentialId, type: 'credential.alerted' })).items;
  assert.equal(audited.length, 1);
  assert.deepEqual((audited[0]!.after as { delivery: unknown }).delivery, { id: r.deliveryId, expiresAt: data.delivery.expiresAt, sentVia: ['webhook', 'email'] });

  // Nowhere at rest or in logs: not the key, not the link.
  const everyAuditEvent = JSON.stringify((await world.store.audit.list({}, { limit: 1000 })).items);
  const attempts = JSON.stringify(await world.lifecycleStore.listAttempts());
  const rows = JSON.stringify(await world.lifecycleStore.listAlerts());
  assert.ok(logLines.length > 0, 'the log was captured');
  for (const [where, text] of [['logs', logLines.join('')], ['audit', everyAuditEvent], ['ledger', rows], ['delivery log', attempts]] as const) {
    assert.ok(!text.includes(key), `no link key in the ${where}`);
    assert.ok(!text.includes(`deliveries/${r.deliveryId}?`), `no link in the ${where}`);
  }
});
