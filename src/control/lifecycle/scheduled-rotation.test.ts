import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GatehouseError } from '../../core/errors.ts';
import { secretMatches } from '../../core/secrets.ts';
import { vaultFromKey } from '../../platform/vault.ts';
import { SYSTEM_CALLER } from '../index.ts';
import type { LifecycleDeps } from './deps.ts';
import { rotationNoticeOf } from './rotation-notice-ledger.ts';
import type { RotationNoticeDeps } from './rotation-notice.ts';
import { scheduledRotationPhase } from './scheduled-rotation.ts';
import { fetchSecretDelivery } from './secret-delivery.ts';
import { startWorld, T0, type LifecycleWorld } from './testing/world.ts';

const DAY = 86_400_000;
let world: LifecycleWorld;
let deps: LifecycleDeps;
const notices: RotationNoticeDeps = {
  channels: ['webhook', 'audit'], publicApiUrl: () => 'https://gatehouse.test/base', vault: vaultFromKey(randomBytes(32)),
};
const nothing = { rotated: [], skipped: [], errors: [] };

before(async () => {
  world = await startWorld();
  deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore, rotationNotices: notices };
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
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'billing', ownerContacts: ['billing@example.com'] });
  const near = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 40 })).credential;
  const far = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 170 })).credential;

  world.clock.set(T0 + 20 * DAY); // `near` has 20 days left, but the setting is off
  assert.deepEqual(await scheduledRotationPhase(deps), nothing);

  await world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: 30 } });
  world.clock.set(T0 + 9 * DAY); // 31 days left: outside the window
  assert.deepEqual(await scheduledRotationPhase(deps), nothing);

  world.clock.set(T0 + 10 * DAY); // exactly 30 days left
  const report = await scheduledRotationPhase(deps);
  assert.deepEqual(report.errors, []);
  assert.equal(report.rotated.length, 1);
  const r = report.rotated[0]!;
  assert.equal(r.appId, app.id);
  assert.equal(r.retiredCredentialId, near.id);
  assert.ok(!JSON.stringify(report).includes('key='), 'no link key in the report');
  assert.deepEqual([r.noticeChannels, r.ownerNotified], [['webhook', 'audit'], true]);

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
  assert.deepEqual(await scheduledRotationPhase(deps), nothing);
  world.clock.set(T0 + 12 * DAY);
  assert.deepEqual(await scheduledRotationPhase(deps), nothing);

  // null switches it off again: the remaining secret inside the window is left alone.
  const off = await world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: null } });
  assert.equal(off.settings.autoRotateDaysBeforeExpiry ?? null, null);
  world.clock.set(T0 + 150 * DAY); // `far` has 20 days left
  assert.deepEqual(await scheduledRotationPhase(deps), nothing);
  assert.equal((await world.store.credentials.get(far.id))!.state, 'active');
});

test('the notice is queued in the alert ledger with the link sealed; it opens once and holds the new secret', async () => {
  await world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: 30 } });
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'ledger', ownerContacts: ['ledger@example.com'] });
  world.clock.set(T0 + 200 * DAY);
  const old = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 10 })).credential;
  const channels: RotationNoticeDeps['channels'] = ['webhook', 'email', 'audit'];
  const report = await scheduledRotationPhase({ ...deps, rotationNotices: { ...notices, channels } });
  const r = report.rotated.find((x) => x.retiredCredentialId === old.id)!;
  assert.deepEqual(r.noticeChannels, channels);

  const rows = await world.lifecycleStore.listAlerts({ credentialId: r.credentialId, kind: 'rotation' });
  assert.deepEqual(rows.map((a) => [a.channel, a.thresholdDays, a.status]).sort(), [['audit', 0, 'pending'], ['email', 0, 'pending'], ['webhook', 0, 'pending']]);
  assert.ok(rows.every((a) => !JSON.stringify(a).includes('key=') && !JSON.stringify(a).includes('/v1/deliveries/')), 'no link in clear in the ledger');

  const email = rotationNoticeOf(rows.find((a) => a.channel === 'email')!, notices);
  const audit = rotationNoticeOf(rows.find((a) => a.channel === 'audit')!, notices);
  assert.equal(email.type, 'credential.rotated');
  assert.deepEqual(email.recipients, ['ledger@example.com']);
  const url = new URL((email.data as any).delivery.url);
  assert.equal(url.origin + url.pathname, `https://gatehouse.test/base/v1/deliveries/${r.deliveryId}`);
  assert.ok(email.text.includes(url.toString()));
  assert.ok(!JSON.stringify(audit).includes('key='), 'the audit copy says a link was sent, not the link');
  assert.throws(() => rotationNoticeOf(rows.find((a) => a.channel === 'email')!, { ...notices, vault: vaultFromKey(randomBytes(32)) }));

  const fetched = await fetchSecretDelivery(world, r.deliveryId, url.searchParams.get('key')!);
  assert.ok(secretMatches(fetched.secret, (await world.store.credentials.get(r.credentialId))!.secretHash!));
  await assert.rejects(fetchSecretDelivery(world, r.deliveryId, url.searchParams.get('key')!), (e: unknown) => (e as GatehouseError).code === 'NOT_FOUND');
});

test('no channel reaches the owner: not rotated, reported and retried; a failed notice still reports the rotation', async () => {
  await world.services.environments.update(SYSTEM_CALLER, world.envId, { settings: { autoRotateDaysBeforeExpiry: 30 } });
  const app = await world.services.apps.create(SYSTEM_CALLER, { environmentId: world.envId, name: 'silent' });
  world.clock.set(T0 + 300 * DAY);
  const cred = (await world.services.credentials.issue(SYSTEM_CALLER, app.id, { expiresInDays: 5 })).credential;
  const skippedFor = async (d: LifecycleDeps) => (await scheduledRotationPhase(d)).skipped.filter((x) => x.credentialId === cred.id).map((x) => x.reason);

  assert.deepEqual(await skippedFor({ ...deps, rotationNotices: undefined }), ['no-reachable-channel'], 'notices not wired');
  assert.deepEqual(await skippedFor({ ...deps, rotationNotices: { ...notices, channels: ['audit'] } }), ['no-reachable-channel'], 'the audit log tells nobody');
  assert.deepEqual(await skippedFor({ ...deps, rotationNotices: { ...notices, channels: ['email', 'audit'] } }), ['no-reachable-channel'], 'email, but no owner contacts');
  assert.deepEqual(await skippedFor({ ...deps, rotationNotices: { ...notices, publicApiUrl: () => null } }), ['no-public-url']);
  assert.equal((await world.store.credentials.get(cred.id))!.state, 'active');

  // The ledger fails after the rotation: it stands (the old secret works through the grace period) and says nobody was told.
  const broken = { ...world.lifecycleStore, claimAlert: async () => { throw new Error('disk on fire'); } };
  const report = await scheduledRotationPhase({ ...deps, lifecycleStore: broken });
  const r = report.rotated.find((x) => x.retiredCredentialId === cred.id)!;
  assert.deepEqual([r.noticeChannels, r.ownerNotified], [[], false]);
  assert.equal((await world.store.credentials.get(cred.id))!.state, 'retiring');
});
