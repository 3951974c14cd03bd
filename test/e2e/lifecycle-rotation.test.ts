import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_CALLER } from '../../src/control/index.ts';
import {
  fetchSecretDelivery, finishRotation, rotateCredential, startLifecycleScheduler, type LifecycleDeps,
} from '../../src/control/lifecycle/index.ts';
import { startWorld, type LifecycleWorld } from '../../src/control/lifecycle/testing/world.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { basic } from '../../src/gateway/testing/world.ts';
import { call } from '../../src/gateway/testing/client.ts';
import { startUpstream, type TestUpstream } from '../../src/gateway/testing/upstream.ts';

/**
 * A client keeps calling through the real gateway while its secret is rotated (one-time link), the old secret is
 * removed early (finishRotation), rotated again (inline) and the old one swept at the end of its grace window.
 * Not a single call may fail.
 */
const DAY = 86_400_000;
let world: LifecycleWorld;
let gateway: Gateway;
let upstream: TestUpstream;
let deps: LifecycleDeps;
let appId: string;
let clientId: string;
let firstSecret: string;

before(async () => {
  world = await startWorld();
  const { services } = world;
  upstream = await startUpstream();
  const api = await services.apis.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'orders', version: 'v1', basePath: '/orders', upstreamUrl: upstream.url });
  const tier = await services.tiers.create(SYSTEM_CALLER, api.id, { name: 'gold', limit: { requests: 1_000_000, windowSeconds: 60 }, approval: 'auto' });
  const app = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'shop', ownerContacts: ['shop@example.com'] });
  await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
  const issued = await services.credentials.issue(SYSTEM_CALLER, app.id);
  appId = app.id;
  clientId = issued.clientId;
  firstSecret = issued.secret;
  deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore };
  gateway = await startGateway({ store: world.store, port: 0, clock: world.clock, pollIntervalMs: 25, usageFlushMs: 50 });
});
after(async () => {
  await gateway?.close();
  await upstream?.close();
  await world?.close();
});

/** A client with 4 concurrent workers that always uses its current secret, and counts every outcome. */
function startClient(initialSecret: string) {
  let secret = initialSecret;
  let running = true;
  const statuses = new Map<number, number>();
  const worker = async () => {
    while (running) {
      const reply = await call(gateway.url, '/orders/items', { headers: { authorization: basic(clientId, secret) } });
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  return {
    use(next: string) { secret = next; },
    statuses,
    total: () => [...statuses.values()].reduce((a, b) => a + b, 0),
    async stop() { running = false; await Promise.all(workers); },
  };
}

const probe = async (secret: string) => (await call(gateway.url, '/orders/items', { headers: { authorization: basic(clientId, secret) } })).status;
const callsFor = async (client: ReturnType<typeof startClient>, n: number) => {
  const target = client.total() + n;
  while (client.total() < target) await new Promise((r) => setTimeout(r, 5));
};

test('rotation with a one-time link, early finish, and sweep at the end of grace: zero failed calls', async () => {
  assert.equal(await probe(firstSecret), 200);
  const client = startClient(firstSecret);
  await callsFor(client, 30);

  // 1. Rotate with a delivery link; the secret is not in the result.
  const rotated = await rotateCredential(deps, SYSTEM_CALLER, { appId, delivery: 'link' });
  assert.equal(rotated.secret, undefined);
  assert.equal(rotated.retiring.length, 1);
  assert.equal(rotated.retiring[0]!.state, 'retiring');
  assert.equal(rotated.retiring[0]!.retireAt, world.clock.now() + 7 * DAY);
  assert.ok(!JSON.stringify(rotated).includes('sha256:'));
  assert.match(rotated.delivery!.path, /^\/v1\/deliveries\/dlv_[0-9a-z]{26}\?key=[A-Za-z0-9_-]{43}$/);
  const { id: deliveryId, key } = rotated.delivery!;
  await assert.rejects(fetchSecretDelivery(deps, deliveryId, 'A'.repeat(43)), { code: 'NOT_FOUND' }); // wrong key: refused, link not burnt
  const fetched = await fetchSecretDelivery(deps, deliveryId, key);
  assert.equal(fetched.credentialId, rotated.credential.id);
  await assert.rejects(fetchSecretDelivery(deps, deliveryId, key), { code: 'NOT_FOUND' }); // works once
  const stored = await world.lifecycleStore.getSecretDelivery(deliveryId);
  assert.equal(stored!.ciphertext, '', 'ciphertext erased once fetched');

  // 2. The gateway picks the new credential up; the client switches; the old one still works meanwhile.
  await gateway.refresh();
  await callsFor(client, 30);
  assert.equal(await probe(fetched.secret), 200);
  assert.equal(await probe(firstSecret), 200, 'retiring secret still accepted during grace');
  client.use(fetched.secret);
  await callsFor(client, 30);

  // Before removing the old secret, its last use at the gateway says whether anyone still presents it: a minute after
  // the switch, only the new credential has been seen.
  world.clock.advance(60_000);
  const switchedAt = world.clock.now();
  await callsFor(client, 10);
  const lastUse = async (id: string) => (await world.store.credentials.get(id))!;
  for (let i = 0; i < 200 && ((await lastUse(rotated.credential.id)).lastUsedAt ?? 0) < switchedAt; i++) await new Promise((r) => setTimeout(r, 10));
  const [oldCred, newCred] = [await lastUse(rotated.retiring[0]!.id), await lastUse(rotated.credential.id)];
  assert.equal(newCred.lastUsedAt, switchedAt, 'the new secret was seen after the switch');
  assert.equal(newCred.lastUsedSource, 'gateway');
  assert.ok(oldCred.lastUsedAt !== null && oldCred.lastUsedAt < switchedAt, 'the old secret was seen before the switch, not since');

  // 3. Finish early: the old secret is removed now.
  const finished = await finishRotation(deps, SYSTEM_CALLER, rotated.retiring[0]!.id);
  assert.equal(finished.state, 'removed');
  await gateway.refresh();
  await callsFor(client, 30);
  assert.equal(await probe(firstSecret), 401);
  await assert.rejects(finishRotation(deps, SYSTEM_CALLER, rotated.retiring[0]!.id), { code: 'INVALID_STATE_TRANSITION' });

  // 4. Rotate again, inline; the scheduler's sweeper removes the old one when the grace window ends.
  const again = await rotateCredential(deps, SYSTEM_CALLER, { appId, graceDays: 2 });
  assert.ok(again.secret);
  await gateway.refresh();
  client.use(again.secret!);
  await callsFor(client, 30);
  const scheduler = startLifecycleScheduler({ store: world.store, lifecycleStore: world.lifecycleStore, clock: world.clock, channels: [], intervalMs: 0 });
  world.clock.advance(2 * DAY - 1);
  assert.equal((await scheduler.tick()).sweep!.removed, 0);
  world.clock.advance(1);
  assert.equal((await scheduler.tick()).sweep!.removed, 1);
  await scheduler.stop();
  await gateway.refresh();
  await callsFor(client, 30);
  assert.equal(await probe(fetched.secret), 401);
  assert.equal(await probe(again.secret!), 200);
  await client.stop();

  assert.deepEqual([...client.statuses.keys()], [200], `every call succeeded: ${JSON.stringify([...client.statuses])}`);
  assert.ok(client.total() >= 180);

  // The audit log tells the story.
  const events = (await world.store.audit.list({ entityType: 'credential' }, { limit: 100 })).items.map((e) => `${e.type}:${e.actor}`);
  assert.deepEqual(events, [
    'credential.added:system',
    'credential.added:system', 'credential.retiring:system',
    'credential.removed:system',
    'credential.added:system', 'credential.retiring:system',
    'credential.removed:system:lifecycle',
  ]);
});

test('rotation refuses bad input and other states', async () => {
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId, graceDays: -1 }), { code: 'VALIDATION_FAILED' });
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId, graceDays: 1.5 }), { code: 'VALIDATION_FAILED' });
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId, delivery: 'email' as never }), { code: 'VALIDATION_FAILED' });
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId: 'app_00000000000000000000000000' }), { code: 'NOT_FOUND' });
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId, credentialId: 'crd_nope' }), { code: 'INVALID_STATE_TRANSITION' });
  // A consumer cannot rotate someone else's app: it looks missing.
  await assert.rejects(rotateCredential(deps, { actor: 'tok_x', role: 'consumer', subject: 'mallory' }, { appId }), { code: 'NOT_FOUND' });
  const active = (await world.store.credentials.list({ ownerType: 'app', ownerId: appId, states: ['active'] })).items;
  await assert.rejects(finishRotation(deps, SYSTEM_CALLER, active[0]!.id), { code: 'INVALID_STATE_TRANSITION' });
  await assert.rejects(fetchSecretDelivery(deps, 'dlv_00000000000000000000000000', 'A'.repeat(43)), { code: 'NOT_FOUND' });
  await assert.rejects(fetchSecretDelivery(deps, '../etc', 'x'), { code: 'NOT_FOUND' });
});

test('a delivery link expires unread', async () => {
  const rotated = await rotateCredential(deps, SYSTEM_CALLER, { appId, delivery: 'link', deliveryTtlMs: 60_000 });
  world.clock.advance(60_000);
  await assert.rejects(fetchSecretDelivery(deps, rotated.delivery!.id, rotated.delivery!.key), { code: 'NOT_FOUND' });
  assert.equal(await world.lifecycleStore.purgeExpiredSecretDeliveries(world.clock.now()), 1);
  assert.equal((await world.lifecycleStore.getSecretDelivery(rotated.delivery!.id))!.ciphertext, '');
});
