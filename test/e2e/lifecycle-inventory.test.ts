import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { Credential } from '../../src/core/domain.ts';
import { newId } from '../../src/core/ids.ts';
import { SYSTEM_CALLER } from '../../src/control/index.ts';
import {
  listCredentialInventory, parseIsoDuration, registerCredentialExpiryGauge, rotateCredential, staleClientReport,
} from '../../src/control/lifecycle/index.ts';
import { startWorld, T0, type LifecycleWorld } from '../../src/control/lifecycle/testing/world.ts';

const DAY = 86_400_000;
let world: LifecycleWorld;
let ids: { busy: string; idle: string; never: string; providerCred: string; busyCred: string; idleCred: string };

before(async () => {
  world = await startWorld();
  const { services, store, clock } = world;
  const busy = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'busy' });
  const idle = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'idle' });
  const busyCred = (await services.credentials.issue(SYSTEM_CALLER, busy.id, { expiresInDays: 20 })).credential;
  const idleCred = (await services.credentials.issue(SYSTEM_CALLER, idle.id, { expiresInDays: 200 })).credential;
  // The provider's own credential (as the Entra adapter records it), external origin.
  const providerCred: Credential = {
    id: newId('credential', T0), ownerType: 'provider', ownerId: world.providerId, kind: 'secret', keyId: '6f1c-key', hint: 'Q~a',
    secretHash: null, origin: 'external', state: 'active', createdAt: T0, expiresAt: T0 + 10 * DAY, retireAt: null, removedAt: null, lastUsedAt: null,
  };
  await store.transaction((tx) => tx.credentials.insert(providerCred));
  clock.advance(100 * DAY);
  const never = await services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'never-used' });
  await store.usage.touchApps([
    { appId: busy.id, lastSeenAt: clock.now() - DAY, sourceAddresses: ['10.0.0.1'] },
    { appId: idle.id, lastSeenAt: clock.now() - 95 * DAY, sourceAddresses: ['10.0.0.2'] },
  ]);
  ids = { busy: busy.id, idle: idle.id, never: never.id, providerCred: providerCred.id, busyCred: busyCred.id, idleCred: idleCred.id };
  clock.set(T0 + 5 * DAY); // back to a time when nothing has expired yet, for the inventory
});
after(() => world?.close());

test('inventory lists every credential with owner, environment, expiry, origin, state and last use', async () => {
  const all = await listCredentialInventory(world);
  assert.deepEqual(all.map((i) => i.credential.id), [ids.providerCred, ids.busyCred, ids.idleCred], 'soonest expiry first');
  const [provider, busy, idle] = all;
  assert.deepEqual(provider!.owner, { type: 'provider', id: world.providerId, name: 'local' });
  assert.deepEqual(provider!.environments.map((e) => e.name), ['production']);
  assert.equal(provider!.credential.origin, 'external');
  assert.equal(provider!.expiresInDays, 5);
  assert.equal(busy!.owner.name, 'busy');
  assert.equal(busy!.expiresInDays, 15);
  assert.equal(busy!.lastUsedSource, 'app');
  assert.equal(busy!.lastUsedAt, T0 + 99 * DAY);
  assert.equal(idle!.credential.state, 'active');
  for (const item of all) assert.ok(!('secretHash' in item.credential));

  const soon = await listCredentialInventory(world, { expiringWithinMs: parseIsoDuration('P30D') });
  assert.deepEqual(soon.map((i) => i.credential.id), [ids.providerCred, ids.busyCred]);
  const appsOnly = await listCredentialInventory(world, { ownerType: 'app', expiringWithinMs: parseIsoDuration('P10D') });
  assert.deepEqual(appsOnly.map((i) => i.credential.id), []);
  assert.deepEqual(await listCredentialInventory(world, { environmentId: 'env_00000000000000000000000000' }), []);
});

test('rotated credentials show as retiring; removed ones only when asked', async () => {
  const deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore };
  const rotated = await rotateCredential(deps, SYSTEM_CALLER, { appId: ids.idle });
  const items = await listCredentialInventory(world, { ownerType: 'app' });
  assert.equal(items.find((i) => i.credential.id === ids.idleCred)!.credential.state, 'retiring');
  assert.equal(items.find((i) => i.credential.id === rotated.credential.id)!.credential.state, 'active');
  await world.services.credentials.revoke(SYSTEM_CALLER, ids.idle, ids.idleCred);
  assert.ok(!(await listCredentialInventory(world)).some((i) => i.credential.id === ids.idleCred));
  assert.equal((await listCredentialInventory(world, { includeRemoved: true })).find((i) => i.credential.id === ids.idleCred)!.credential.state, 'removed');
});

test('the expiry gauge is read from the store at scrape time', async () => {
  const registry = new Registry();
  registerCredentialExpiryGauge(registry, () => listCredentialInventory(world));
  const text = await registry.metrics();
  assert.match(text, /# TYPE gatehouse_credential_expiry_timestamp_seconds gauge/);
  const busyKey = (await world.store.credentials.get(ids.busyCred))!.keyId;
  assert.ok(text.includes(`gatehouse_credential_expiry_timestamp_seconds{environment="production",app="busy",key_id="${busyKey}"} ${(T0 + 20 * DAY) / 1000}`), text);
  assert.ok(text.includes(`gatehouse_credential_expiry_timestamp_seconds{environment="production",app="provider:local",key_id="6f1c-key"} ${(T0 + 10 * DAY) / 1000}`), text);
  // A credential removed since the last scrape disappears from the next one.
  await world.services.credentials.revoke(SYSTEM_CALLER, ids.busy, ids.busyCred);
  assert.ok(!(await registry.metrics()).includes(busyKey));
});

test('stale report: apps unused for N days, never-used apps older than N days', async () => {
  world.clock.set(T0 + 100 * DAY);
  const report = await staleClientReport(world, { unusedDays: 90 });
  assert.deepEqual(report.apps.map((a) => a.app.name), ['idle']);
  assert.equal(report.apps[0]!.lastSeenAt, T0 + 5 * DAY);
  assert.ok(report.apps[0]!.credentials.every((c) => c.state !== 'removed' && !('secretHash' in c)));
  world.clock.set(T0 + 191 * DAY);
  const later = await staleClientReport(world, { unusedDays: 90 });
  assert.deepEqual(later.apps.map((a) => a.app.name).sort(), ['busy', 'idle', 'never-used']);
  assert.equal(later.apps.find((a) => a.app.name === 'never-used')!.lastSeenAt, null);
  const fewer = await staleClientReport(world, { unusedDays: 180 });
  assert.deepEqual(fewer.apps.map((a) => a.app.name), ['idle']);
});
