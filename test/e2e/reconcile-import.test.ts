import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseError } from '../../src/core/errors.ts';
import { newId } from '../../src/core/ids.ts';
import { LocalIdentityProvider } from '../../src/identity/local/adapter.ts';
import { listAll } from '../../src/control/context.ts';
import { importApp, reconcileProvider } from '../../src/control/reconcile/index.ts';
import { startWorld, type ReconcileWorld } from '../../src/control/reconcile/testing/world.ts';

let w: ReconcileWorld;
before(async () => {
  w = await startWorld({ apps: 3 });
});
after(async () => {
  await w?.close();
});

const deps = () => ({ store: w.store, identity: w.idp, clock: w.clock, actor: 'tok_admin' });
const code = (c: string) => (e: unknown) => e instanceof GatehouseError && e.code === c;

test('imports a readable app the platform does not own, with its secret as external', async () => {
  const seeded = w.emu.control.seedApp({ displayName: 'legacy portal app' });
  const r = await importApp(deps(), { environmentId: w.env.id, clientId: seeded.clientId });
  assert.equal(r.owned, false);
  assert.deepEqual(
    { name: r.app.name, env: r.app.environmentId, clientId: r.app.clientId, registration: r.app.registration, providerId: r.app.providerId },
    { name: 'legacy portal app', env: w.env.id, clientId: seeded.clientId, registration: { clientId: seeded.clientId, objectId: seeded.objectId, uniqueName: null }, providerId: w.provider.id },
  );
  assert.equal(r.credentials.length, 1);
  const c = r.credentials[0]!;
  assert.deepEqual({ keyId: c.keyId, origin: c.origin, state: c.state, hint: c.hint }, { keyId: seeded.secretKeyId, origin: 'external', state: 'active', hint: seeded.clientSecret!.slice(0, 3) });
  assert.ok(c.expiresAt! > w.clock.now(), 'the expiry comes from the IdP');
  assert.deepEqual(await w.store.credentials.get(c.id), c);
  const events = await listAll((p) => w.store.audit.list({ actor: 'tok_admin' }, p));
  assert.deepEqual(events.map((e) => e.type), ['app.imported', 'credential.imported']);
  assert.ok(!JSON.stringify(events).includes(seeded.clientSecret!));

  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: seeded.clientId }), code('CONFLICT'));
  // Importing by object id finds the same app (and the same conflict).
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: seeded.objectId }), code('CONFLICT'));
});

test('imports an owned app under a chosen name; reconcile then treats it as known', async () => {
  const { registration } = await w.idp.upsertClient({ uniqueName: 'made-elsewhere-1', displayName: 'made elsewhere' });
  await w.idp.addSecret(registration.objectId, { displayName: 'portal', expiresAt: w.clock.now() + 86_400_000 });
  const r = await importApp(deps(), { environmentId: w.env.id, clientId: registration.clientId, name: 'payments-batch' });
  assert.equal(r.owned, true);
  assert.equal(r.app.name, 'payments-batch');
  assert.equal(r.credentials.length, 1);
  w.clock.advance(3_600_000);
  const report = await reconcileProvider({ store: w.store, identity: w.idp, clock: w.clock }, { providerId: w.provider.id, fix: false });
  assert.equal(report.counts.orphans, 0);
  assert.equal(report.counts.credentialsAdded, 0);
  assert.equal(report.counts.appsChanged, 1, 'the chosen name differs from the IdP display name, and the report says so');
});

test('refuses bad input, unknown apps, known apps and taken names, writing nothing', async () => {
  const before = await w.store.changeCounter();
  await assert.rejects(importApp(deps(), { environmentId: 'nope', clientId: w.pairs[0]!.clientId }), code('BAD_ID'));
  await assert.rejects(importApp(deps(), { environmentId: newId('environment'), clientId: w.pairs[0]!.clientId }), code('NOT_FOUND'));
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: "x') or (1 eq 1" }), code('VALIDATION_FAILED'));
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: '' }), code('VALIDATION_FAILED'));
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: '00000000-0000-4000-8000-000000000000' }), code('NOT_FOUND'));
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: w.pairs[0]!.clientId }), code('CONFLICT'), 'already known');
  const sameName = w.emu.control.seedApp({ displayName: w.pairs[2]!.app.name });
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: sameName.clientId }), code('NAME_TAKEN'));
  await assert.rejects(importApp(deps(), { environmentId: w.env.id, clientId: sameName.clientId, name: ' '.repeat(3) }), code('VALIDATION_FAILED'));
  assert.equal(await w.store.changeCounter(), before);
});

test('a local provider has nothing to reconcile or import', async () => {
  const local = new LocalIdentityProvider(w.clock);
  const r = await reconcileProvider({ store: w.store, identity: local, clock: w.clock }, { providerId: w.provider.id, fix: true });
  assert.match(r.skipped ?? '', /local/);
  assert.deepEqual(Object.values(r.counts).filter((n) => n > 0), []);
  await assert.rejects(importApp({ store: w.store, identity: local }, { environmentId: w.env.id, clientId: w.pairs[0]!.clientId }), code('VALIDATION_FAILED'));
});

test('runs as a durable job with one unfinished run per provider', async () => {
  const { enqueueReconcile, reconcileJobHandler, RECONCILE_JOB } = await import('../../src/control/reconcile/index.ts');
  const { createJobRunner } = await import('../../src/control/jobs/runner.ts');
  const now = w.clock.now();
  const first = await w.store.transaction((tx) => enqueueReconcile(tx, now, { providerId: w.provider.id, fix: true }));
  const second = await w.store.transaction((tx) => enqueueReconcile(tx, now, { providerId: w.provider.id, fix: true }));
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(second.job.id, first.job.id);
  await w.idp.addSecret(w.pairs[0]!.objectId, { displayName: 'portal', expiresAt: now + 86_400_000 });
  w.clock.advance(3_600_000);
  const runner = createJobRunner({ store: w.store, clock: w.clock, handlers: [reconcileJobHandler({ identityFor: () => w.idp })] });
  assert.equal(await runner.runUntilIdle(), 1);
  const job = (await w.store.jobs.get(first.job.id))!;
  assert.equal(job.type, RECONCILE_JOB);
  assert.equal(job.state, 'succeeded', job.lastError ?? '');
  const result = job.progress.result as { counts: Record<string, number>; repaired: Record<string, number>; errorCount: number };
  assert.equal(result.repaired.credentialsAdded, 1);
  assert.equal(result.errorCount, 0);
});
