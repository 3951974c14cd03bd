import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseError } from '../../core/errors.ts';
import { SYSTEM_CALLER } from '../index.ts';
import type { LifecycleDeps } from './deps.ts';
import { scheduledRotationPhase } from './scheduled-rotation.ts';
import { startWorld, T0, type LifecycleWorld } from './testing/world.ts';

const DAY = 86_400_000;
let world: LifecycleWorld;
let deps: LifecycleDeps;

before(async () => {
  world = await startWorld();
  deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore };
});
after(() => world?.close());

test('settings: off by default; must be a whole number of days below the credential lifetime', async () => {
  const env = await world.services.environments.get(SYSTEM_CALLER, world.envId);
  assert.equal(env.settings.autoRotateDaysBeforeExpiry ?? null, null, 'off by default');
  for (const bad of [0, 180, 365, 1.5]) {
    await assert.rejects(
      world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: bad } }),
      (e: unknown) => e instanceof GatehouseError && e.code === 'VALIDATION_FAILED', `rejects ${bad}`,
    );
  }
  assert.equal((await world.services.environments.get(SYSTEM_CALLER, world.envId)).settings.autoRotateDaysBeforeExpiry ?? null, null);
});

test('rotates active gatehouse secrets within the window once, with a one-time link; nothing while off', async () => {
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'billing' });
  const near = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 40 })).credential;
  const far = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 170 })).credential;

  world.clock.set(T0 + 20 * DAY); // `near` has 20 days left, but the setting is off
  assert.deepEqual(await scheduledRotationPhase(deps), { rotated: [], errors: [] });

  await world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: 30 } });
  world.clock.set(T0 + 9 * DAY); // 31 days left: outside the window
  assert.deepEqual(await scheduledRotationPhase(deps), { rotated: [], errors: [] });

  world.clock.set(T0 + 10 * DAY); // exactly 30 days left
  const report = await scheduledRotationPhase(deps);
  assert.deepEqual(report.errors, []);
  assert.equal(report.rotated.length, 1);
  const r = report.rotated[0]!;
  assert.equal(r.appId, app.id);
  assert.equal(r.retiredCredentialId, near.id);
  assert.ok(!JSON.stringify(report).includes('key='), 'no link key in the report');

  assert.equal((await world.store.credentials.get(near.id))!.state, 'retiring');
  assert.equal((await world.store.credentials.get(far.id))!.state, 'active', 'outside the window: untouched');
  const fresh = (await world.store.credentials.get(r.credentialId))!;
  assert.equal(fresh.state, 'active');
  assert.equal(fresh.expiresAt, T0 + 10 * DAY + 180 * DAY);

  // The new secret waits behind a one-time link for the new credential; the rotation is audited as the scheduler.
  const link = await world.lifecycleStore.getSecretDelivery(r.deliveryId);
  assert.ok(link, 'delivery link stored');
  const audit = await world.store.audit.list({ entityType: 'credential', entityId: r.credentialId });
  assert.deepEqual(audit.items.map((e) => [e.type, e.actor]), [['credential.added', 'system:lifecycle']]);
  assert.ok(r.deliveryExpiresAt > T0 + 10 * DAY);

  // At most once per credential: the next ticks leave it alone (it is retiring, and the new one is far from expiry).
  assert.deepEqual(await scheduledRotationPhase(deps), { rotated: [], errors: [] });
  world.clock.set(T0 + 12 * DAY);
  assert.deepEqual(await scheduledRotationPhase(deps), { rotated: [], errors: [] });

  // null switches it off again: the remaining secret inside the window is left alone.
  const off = await world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: null } });
  assert.equal(off.settings.autoRotateDaysBeforeExpiry ?? null, null);
  world.clock.set(T0 + 150 * DAY); // `far` has 20 days left
  assert.deepEqual(await scheduledRotationPhase(deps), { rotated: [], errors: [] });
  assert.equal((await world.store.credentials.get(far.id))!.state, 'active');
});
