import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino, type Logger } from 'pino';
import type { LifecycleStore } from '../../src/core/ports/lifecycle.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { SYSTEM_CALLER } from '../../src/control/index.ts';
import { rotateCredential } from '../../src/control/lifecycle/rotation.ts';
import { retirementWarningId } from '../../src/control/lifecycle/retirement-warning.ts';
import { startLifecycleScheduler } from '../../src/control/lifecycle/scheduler.ts';
import { startWorld, type LifecycleWorld } from '../../src/control/lifecycle/testing/world.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { call } from '../../src/gateway/testing/client.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';
import { basic } from '../../src/gateway/testing/world.ts';
import { generateWebhookSecret } from '../../src/notify/standard-webhooks.ts';
import { channelsTo, mailSubject, mailText, startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from '../../src/notify/testing/receivers.ts';

/**
 * The warning before a replaced secret that is still in use is removed. Two apps are rotated by hand (7-day grace);
 * one client keeps calling the real gateway with its OLD secret (its last use recorded by the gateway's usage flush),
 * the other switches to the new one. Inside the last 24 hours before removal, one tick sends exactly one
 * `credential.retiring_in_use` webhook (real signed HTTP receiver) and one email (real SMTP server) about the first
 * app and nothing about the second; later ticks and a restart on the same SQLite file send nothing more. The
 * removal at the end of grace still happens. No secret appears in any message, log line, ledger row or audit event.
 *
 * The tick is the scheduler's: the retirement-watch phase runs before delivery, so the warning goes out in the tick
 * that plans it.
 */
const HOUR = 3_600_000;
const hookSecret = generateWebhookSecret();
const logLines: string[] = [];
const logger: Logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

let world: LifecycleWorld;
let hooks: WebhookReceiver;
let mail: MailReceiver;
let upstream: TestUpstream;
let gateway: Gateway;
const schedulers: { stop(): Promise<void> }[] = [];

before(async () => {
  world = await startWorld();
  hooks = await startWebhookReceiver(hookSecret, () => Math.floor(world.clock.now() / 1000));
  mail = await startMailReceiver();
  upstream = await startUpstream();
  gateway = await startGateway({ store: world.store, port: 0, clock: world.clock, pollIntervalMs: 60_000, usageFlushMs: 20 });
});
after(async () => {
  for (const s of schedulers) await s.stop().catch(() => {});
  await gateway?.close();
  await upstream?.close();
  await hooks?.close();
  await mail?.close();
  await world?.close();
});

function node(store: Store, lifecycleStore: LifecycleStore) {
  const channels = channelsTo(hooks, hookSecret, mail, store);
  const scheduler = startLifecycleScheduler({ store, lifecycleStore, clock: world.clock, channels, intervalMs: 0, logger });
  schedulers.push(scheduler);
  return {
    scheduler,
    async tick() {
      const r = await scheduler.tick();
      assert.equal(r.ran, true);
      assert.deepEqual(r.errors, []);
      return r;
    },
  };
}

const warningHooks = () => hooks.received.filter((h) => h.json.type === 'credential.retiring_in_use');
const warningMails = () => mail.received.filter((m) => /X-Gatehouse-Event: credential\.retiring_in_use/.test(m.raw));

test('a client still on the old secret is warned once before its removal; a client that switched is not', async () => {
  const { services } = world;
  const ordersApi = await services.apis.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'orders', version: 'v1', basePath: '/orders', upstreamUrl: upstream.url });
  const tier = await services.tiers.create(SYSTEM_CALLER, ordersApi.id, { name: 'gold', limit: { requests: 10_000, windowSeconds: 60 }, approval: 'auto' });
  const deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore };
  async function client(name: string) {
    const app = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name, ownerContacts: [`${name}@example.com`] });
    await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: ordersApi.id, tierId: tier.id });
    const issued = await services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 90 });
    const call200 = async (secret: string) =>
      assert.equal((await call(gateway.url, '/orders/items', { headers: { authorization: basic(issued.clientId!, secret) } })).status, 200);
    return { app, issued, call200 };
  }
  const stuck = await client('stuck');
  const switched = await client('switched');

  const rotatedStuck = await rotateCredential(deps, SYSTEM_CALLER, { appId: stuck.app.id });
  const rotatedSwitched = await rotateCredential(deps, SYSTEM_CALLER, { appId: switched.app.id });
  const oldId = stuck.issued.credential.id;
  const retireAt = rotatedStuck.retiring[0]!.retireAt!;
  const secrets = [stuck.issued.secret, rotatedStuck.secret!, switched.issued.secret, rotatedSwitched.secret!];
  await gateway.refresh();

  /** Waits for the gateway's usage flush to record `credentialId` as used at the clock's current time. */
  const flushed = async (credentialId: string) => {
    const at = world.clock.now();
    for (let i = 0; i < 300; i++) {
      if (((await world.store.credentials.get(credentialId))!.lastUsedAt ?? 0) >= at) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`the gateway did not record the use of ${credentialId}`);
  };

  // A minute after the rotation both clients still present the old secret; then one switches, the other does not.
  world.clock.advance(60_000);
  await stuck.call200(stuck.issued.secret);
  await switched.call200(switched.issued.secret);
  await flushed(oldId);
  await flushed(switched.issued.credential.id);
  world.clock.advance(HOUR);
  await switched.call200(rotatedSwitched.secret!);
  await flushed(rotatedSwitched.credential.id);

  let n = node(world.store, world.lifecycleStore);
  await n.tick();
  assert.equal(warningHooks().length + warningMails().length, 0, 'six days before removal: no warning yet');

  // Inside the last 24 hours: the stuck client calls with its old secret again, the switched one with its new one.
  world.clock.set(retireAt - 23 * HOUR);
  await stuck.call200(stuck.issued.secret);
  await switched.call200(rotatedSwitched.secret!);
  await flushed(oldId);
  await flushed(rotatedSwitched.credential.id);
  await n.tick();
  assert.equal(warningHooks().length, 1);
  assert.equal(warningMails().length, 1);

  // The webhook: signed, its own event type, stable id, about the stuck app's old credential only.
  const hook = warningHooks()[0]!;
  assert.equal(hook.verified, true);
  assert.equal(hook.headers['webhook-id'], retirementWarningId(oldId));
  const data = hook.json.data;
  const old = (await world.store.credentials.get(oldId))!;
  assert.equal(data.app.id, stuck.app.id);
  assert.deepEqual(
    [data.credential.id, data.credential.keyId, data.credential.hint, data.credential.retireAt, data.credential.lastUsedAt, data.credential.lastUsedSource],
    [oldId, old.keyId, old.hint, new Date(retireAt).toISOString(), new Date(retireAt - 23 * HOUR).toISOString(), 'gateway'],
  );
  assert.deepEqual([data.replacement.id, data.replacement.used], [rotatedStuck.credential.id, false]);

  // The email: to the owner and the admins (no secret in it), saying what is happening and what to do.
  const email = warningMails()[0]!;
  assert.deepEqual(email.to.sort(), ['admin@example.com', 'stuck@example.com']);
  assert.match(mailSubject(email.raw), /Old secret of app "stuck" still in use/);
  const body = mailText(email.raw);
  for (const fact of [old.keyId, 'still being used', 'has never been used', new Date(retireAt).toISOString().slice(0, 16).replace('T', ' '),
    'What to do:', `gatehouse credential rotate --app ${stuck.app.id}`]) {
    assert.ok(body.includes(fact), `the email says ${fact}`);
  }

  // Another tick, a restart on the same file, and the removal itself: nothing more is sent.
  world.clock.advance(HOUR);
  await stuck.call200(stuck.issued.secret);
  await flushed(oldId);
  await n.tick();
  await n.scheduler.stop();
  await world.store.close();
  Object.assign(world, await world.reopen());
  n = node(world.store, world.lifecycleStore);
  world.clock.advance(HOUR);
  await n.tick();
  world.clock.set(retireAt);
  assert.equal((await n.tick()).sweep?.removed, 2, 'the warning is advisory: both old secrets are removed at the end of grace');
  assert.equal(warningHooks().length, 1);
  assert.equal(warningMails().length, 1);
  const ledger = await world.lifecycleStore.listAlerts({ kind: 'retirement' });
  assert.deepEqual(ledger.map((a) => [a.credentialId, a.channel, a.status]).sort(), [
    [oldId, 'audit', 'sent'], [oldId, 'email', 'sent'], [oldId, 'webhook', 'sent'],
  ]);
  const audited = (await world.store.audit.list({ entityType: 'credential', entityId: oldId, type: 'credential.alerted' })).items;
  assert.equal(audited.length, 1);
  assert.equal((audited[0]!.after as { event: string }).event, 'credential.retiring_in_use');

  // No secret anywhere: messages, logs, ledger, delivery log, audit.
  const everywhere = [
    ['webhooks', JSON.stringify(hooks.received.map((h) => h.body))],
    ['emails', mail.received.map((m) => m.raw).join('\n')],
    ['logs', logLines.join('')],
    ['ledger', JSON.stringify(await world.lifecycleStore.listAlerts())],
    ['delivery log', JSON.stringify(await world.lifecycleStore.listAttempts())],
    ['audit', JSON.stringify((await world.store.audit.list({}, { limit: 1000 })).items)],
  ] as const;
  assert.ok(logLines.some((l) => l.includes('still in use')), 'the warning was logged');
  for (const [where, text] of everywhere) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `no secret in the ${where}`);
  }
});
