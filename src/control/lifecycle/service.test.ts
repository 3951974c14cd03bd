import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_CALLER, type Caller } from '../index.ts';
import { LifecycleService } from './service.ts';
import { startWorld, type LifecycleWorld } from './testing/world.ts';

let world: LifecycleWorld;
let service: LifecycleService;
const alice: Caller = { actor: 'tok_alice', role: 'consumer', subject: 'alice' };
const bob: Caller = { actor: 'tok_bob', role: 'consumer', subject: 'bob' };
let aliceApp: string;

before(async () => {
  world = await startWorld();
  service = new LifecycleService({ store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore });
  aliceApp = (await world.services.apps.create(alice, { environmentId: world.envId, name: 'alice-app' })).id;
  const bobApp = (await world.services.apps.create(bob, { environmentId: world.envId, name: 'bob-app' })).id;
  await world.services.credentials.issue(alice, aliceApp, { expiresInDays: 10 });
  await world.services.credentials.issue(bob, bobApp, { expiresInDays: 10 });
});
after(() => world?.close());

test('consumers see only their own credentials; staff see all', async () => {
  assert.deepEqual((await service.inventory(alice)).map((i) => i.owner.name), ['alice-app']);
  assert.deepEqual((await service.inventory(SYSTEM_CALLER, { expiringWithin: 'P30D' })).map((i) => i.owner.name).sort(), ['alice-app', 'bob-app']);
  assert.deepEqual(await service.inventory(SYSTEM_CALLER, { expiringWithin: 'PT1H' }), []);
});

test('consumers rotate their own apps only', async () => {
  const rotated = await service.rotate(alice, aliceApp, { graceDays: 1 });
  assert.ok(rotated.secret);
  await assert.rejects(service.rotate(bob, aliceApp), { code: 'NOT_FOUND' });
  await assert.rejects(service.finishRotation(bob, rotated.retiring[0]!.id), { code: 'NOT_FOUND' });
  assert.equal((await service.finishRotation(alice, rotated.retiring[0]!.id)).state, 'removed');
});

test('bad durations and roles are refused with stable codes', async () => {
  await assert.rejects(service.inventory(SYSTEM_CALLER, { expiringWithin: '30d' }), (e: any) => e.code === 'VALIDATION_FAILED' && e.message.startsWith('expiringWithin:'));
  await assert.rejects(service.staleReport(alice), { code: 'FORBIDDEN' });
  await assert.rejects(service.staleReport(SYSTEM_CALLER, { unusedFor: 'PT36H' }), { code: 'VALIDATION_FAILED' });
  assert.equal((await service.staleReport(SYSTEM_CALLER, { unusedFor: 'P2W' })).unusedDays, 14);
});

test('startLifecycle: wrong channel config fails at start; with none, alerts go to the audit log', async () => {
  const { startLifecycle } = await import('./start.ts');
  const base = { store: world.store, lifecycleStore: world.lifecycleStore, clock: world.clock, intervalMs: 0 };
  assert.throws(() => startLifecycle({ ...base, env: { GATEHOUSE_ALERT_WEBHOOK_URL: 'https://x.example' } }), { code: 'VALIDATION_FAILED' });
  const { scheduler } = startLifecycle({ ...base, env: {} });
  const report = await scheduler.tick();
  await scheduler.stop();
  assert.equal(report.ran, true);
  // Alice's 10-day secret was rotated away above; Bob's is the one left inside a threshold.
  assert.equal(report.plan!.planned, 1, 'one credential, audit channel only');
  assert.equal(report.delivery!.delivered, 1);
  const alerted = (await world.store.audit.list({ type: 'credential.alerted' })).items;
  assert.deepEqual(alerted.map((e) => (e.after as any).owner.name), ['bob-app']);
});
