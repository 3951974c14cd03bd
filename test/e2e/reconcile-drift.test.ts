import { describe, test, before, after } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import assert from 'node:assert/strict';
import { newId } from '../../src/core/ids.ts';
import type { ClientApp, Credential } from '../../src/core/domain.ts';
import { uniqueNameForApp, uniqueNameForResourceApp } from '../../src/control/onboarding/names.ts';
import { listAll } from '../../src/control/context.ts';
import { reconcileProvider, type ReconcileProgress, type ReconcileReport } from '../../src/control/reconcile/index.ts';
import { startWorld, type ReconcileWorld } from '../../src/control/reconcile/testing/world.ts';

/**
 * 2,000 apps registered on both sides (emulator + store), through the real Entra adapter, with drift of every kind
 * seeded behind Gatehouse's back. Expected numbers are spelled out next to each seeding step. The same scenario runs
 * on PostgreSQL (300 apps) when GATEHOUSE_TEST_PG is set.
 */
const DAY = 86_400_000;

function driftSuite(label: string, APPS: number, storeOptions?: { url: string; schema: string }) {
  describe(label, () => {
    let w: ReconcileWorld;
    const seeded = {
      external: [] as { appId: string; keyId: string; expiresAt: number; hint: string }[],
      linkApps: [] as ClientApp[],
      recreateIds: [] as string[],
      leftoverId: '',
    };

    before(async () => {
      w = await startWorld({ apps: APPS, ...(storeOptions ? { store: storeOptions } : {}) });
      const { idp, pairs, store, env, provider } = w;
      const now = w.clock.now();
      const tags = ['gatehouse', `gatehouse:env:${env.id}`];
      // 20 secrets added in the portal (credentialsAdded).
      for (const p of pairs.slice(0, 20)) {
        const s = await idp.addSecret(p.objectId, { displayName: 'added in the portal', expiresAt: now + 90 * DAY });
        seeded.external.push({ appId: p.app.id, keyId: s.keyId, expiresAt: s.expiresAt, hint: s.hint });
      }
      // 20 of our secrets removed in the portal (credentialsRemoved).
      for (const p of pairs.slice(20, 40)) await idp.removeSecret(p.objectId, p.credential.keyId);
      // 10 apps renamed in the portal (appsChanged, report only).
      for (const p of pairs.slice(40, 50)) {
        await idp.graph.request({ method: 'PATCH', path: `/applications/${p.objectId}`, body: { displayName: `renamed ${p.app.name}` }, operation: 'rename' });
      }
      // 5 soft-deleted (restorable) and 3 purged (gone) apps (appsMissing).
      for (const p of pairs.slice(50, 55)) await idp.deleteClient(p.objectId);
      for (const p of pairs.slice(55, 58)) {
        await idp.deleteClient(p.objectId);
        await idp.purgeClient(p.objectId);
      }
      // 5 store rows with another expiry (credentialsChanged) and 5 removed in the store but alive in the IdP (credentialsLingering).
      await store.transaction(async (tx) => {
        for (const p of pairs.slice(60, 65)) await tx.credentials.update({ ...p.credential, expiresAt: p.credential.expiresAt! + DAY });
        for (const p of pairs.slice(65, 70)) await tx.credentials.update({ ...p.credential, state: 'removed', removedAt: now });
      });
      // 3 store apps whose onboarding created the IdP app but never recorded it (orphansAdoptable, linked; +3 credentialsAdded).
      for (let i = 0; i < 3; i++) {
        const app: ClientApp = {
          id: newId('app', now), environmentId: env.id, name: `half-onboarded-${i}`, description: '', ownerContacts: [], ownerSubject: null,
          providerId: null, clientId: null, registration: null, createdAt: now, updatedAt: now,
        };
        await store.transaction((tx) => tx.apps.insert(app));
        const { registration } = await idp.upsertClient({ uniqueName: uniqueNameForApp(app.id), displayName: app.name, tags });
        await idp.addSecret(registration.objectId, { displayName: 'portal', expiresAt: now + 30 * DAY });
        seeded.linkApps.push(app);
      }
      // 2 IdP apps with our uniqueName whose rows are gone (orphansAdoptable, re-created; +2 credentialsAdded).
      for (let i = 0; i < 2; i++) {
        const id = newId('app', now);
        const { registration } = await idp.upsertClient({ uniqueName: uniqueNameForApp(id), displayName: `lost-${i}`, tags });
        await idp.addSecret(registration.objectId, { displayName: 'portal', expiresAt: now + 30 * DAY });
        seeded.recreateIds.push(id);
      }
      // 1 leftover of an app Gatehouse deleted on purpose (orphans), 3 foreign apps (orphans), 1 unknown resource app (orphans).
      seeded.leftoverId = newId('app', now);
      await idp.upsertClient({ uniqueName: uniqueNameForApp(seeded.leftoverId), displayName: 'leftover', tags });
      await store.transaction((tx) => tx.audit.append({
        type: 'app.deleted', entityType: 'app', entityId: seeded.leftoverId, actor: 'tok_x', at: now, before: null, after: null, idpActivity: null,
      }));
      for (let i = 0; i < 2; i++) await idp.upsertClient({ uniqueName: `someone-else-${i}`, displayName: `foreign-${i}` });
      await idp.graph.request({ method: 'POST', path: '/applications', body: { displayName: 'made by hand' }, operation: 'create' });
      await idp.upsertClient({ uniqueName: uniqueNameForResourceApp(newId('environment', now)), displayName: 'Gatehouse other env' });
      // The environment's recorded resource app is ours: never drift.
      const res = await idp.upsertClient({ uniqueName: uniqueNameForResourceApp(env.id), displayName: 'Gatehouse sandbox' });
      await store.transaction((tx) => tx.providers.update({
        ...provider, config: { ...provider.config, resourceApps: { [env.id]: { clientId: res.registration.clientId, objectId: res.registration.objectId } } },
      }));
      // Nothing above is "in flight" any more.
      w.clock.advance(3_600_000);
    });

    after(async () => {
      await w?.close();
    });

    const run = (fix: boolean, onProgress?: (p: ReconcileProgress) => void): Promise<ReconcileReport> =>
      reconcileProvider({ store: w.store, identity: w.idp, clock: w.clock, ...(onProgress ? { onProgress } : {}) }, { providerId: w.provider.id, fix, batchSize: 7 });

    test('reports every kind of drift without writing anything', async () => {
      const counterBefore = await w.store.changeCounter();
      const auditBefore = (await listAll((p) => w.store.audit.list({}, p))).length;
      const r = await run(false);
      assert.equal(r.skipped, null);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.counts, {
        credentialsAdded: 25, credentialsRemoved: 20, credentialsChanged: 5, credentialsLingering: 5,
        appsChanged: 10, appsMissing: 8, orphansAdoptable: 5, orphans: 5,
      });
      assert.ok(Object.values(r.repaired).every((n) => n === 0));
      assert.equal(r.scanned.storeApps, APPS + 3);
      assert.equal(r.scanned.idpClients, APPS - 8 + 3 + 2 + 1 + 3 + 1 + 1);
      const ext = r.drift.credentialsAdded.find((c) => c.keyId === seeded.external[0]!.keyId)!;
      assert.equal(ext.appId, seeded.external[0]!.appId);
      assert.equal(ext.expiresAt, seeded.external[0]!.expiresAt);
      assert.equal(ext.repaired, false);
      const renamed = r.drift.appsChanged.find((a) => a.appId === w.pairs[40]!.app.id)!;
      assert.equal(renamed.idpName, `renamed ${w.pairs[40]!.app.name}`);
      assert.equal(renamed.storeName, w.pairs[40]!.app.name);
      const changed = r.drift.credentialsChanged.find((c) => c.appId === w.pairs[60]!.app.id)!;
      assert.deepEqual({ idp: changed.idp, store: changed.store }, {
        idp: { expiresAt: w.pairs[60]!.credential.expiresAt }, store: { expiresAt: w.pairs[60]!.credential.expiresAt! + DAY },
      });
      assert.deepEqual(r.drift.appsMissing.map((a) => a.state).sort(), Array(8).fill('unknown'));
      assert.deepEqual(r.drift.orphansAdoptable.map((o) => o.adoption).sort(), ['linked', 'linked', 'linked', 'recreated', 'recreated']);
      const reasons = r.drift.orphans.map((o) => o.reason ?? '');
      assert.equal(reasons.filter((x) => /deleted in Gatehouse/.test(x)).length, 1);
      assert.equal(reasons.filter((x) => /not created by Gatehouse/.test(x)).length, 3);
      assert.equal(reasons.filter((x) => /resource app/.test(x)).length, 1);
      assert.equal(await w.store.changeCounter(), counterBefore, 'a report-only run writes nothing');
      assert.equal((await listAll((p) => w.store.audit.list({}, p))).length, auditBefore);
    });

    test('--fix repairs the safe kinds, audits each repair, and a second run finds only what needs a human', async () => {
      const progress: ReconcileProgress[] = [];
      const r = await run(true, (p) => progress.push(p));
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.repaired, {
        credentialsAdded: 25, credentialsRemoved: 20, credentialsChanged: 5, credentialsLingering: 0,
        appsChanged: 0, appsMissing: 5, orphansAdoptable: 5, orphans: 0,
      });
      assert.deepEqual(r.drift.appsMissing.map((a) => a.state).sort(), ['gone', 'gone', 'gone', 'restored', 'restored', 'restored', 'restored', 'restored']);
      assert.deepEqual([...new Set(progress.map((p) => p.phase))], ['store', 'idp', 'compare', 'fix', 'done']);
      const lastFix = progress.filter((p) => p.phase === 'fix').at(-1)!;
      assert.equal(lastFix.done, lastFix.total);

      // Store state.
      const ext = seeded.external[0]!;
      const creds = (await w.store.credentials.list({ ownerType: 'app', ownerId: ext.appId })).items;
      const imported = creds.find((c) => c.keyId === ext.keyId)!;
      assert.deepEqual(
        { origin: imported.origin, state: imported.state, expiresAt: imported.expiresAt, hint: imported.hint, secretHash: imported.secretHash },
        { origin: 'external', state: 'active', expiresAt: ext.expiresAt, hint: ext.hint, secretHash: null },
      );
      const removed = (await w.store.credentials.get(w.pairs[20]!.credential.id))!;
      assert.equal(removed.state, 'removed');
      assert.ok(removed.removedAt! >= r.startedAt);
      assert.equal((await w.store.credentials.get(w.pairs[60]!.credential.id))!.expiresAt, w.pairs[60]!.credential.expiresAt);
      for (const app of seeded.linkApps) {
        const after = (await w.store.apps.get(app.id))!;
        assert.equal(after.registration?.uniqueName, uniqueNameForApp(app.id));
        assert.equal(after.clientId, after.registration?.clientId);
        const own = (await w.store.credentials.list({ ownerType: 'app', ownerId: app.id })).items;
        assert.deepEqual(own.map((c: Credential) => c.origin), ['external']);
      }
      for (const id of seeded.recreateIds) {
        const app = (await w.store.apps.get(id))!;
        assert.equal(app.environmentId, w.env.id);
        assert.match(app.name, /^lost-/);
      }
      assert.equal(await w.store.apps.get(seeded.leftoverId), null, 'an app deleted on purpose is not resurrected');

      // Audit: one event per repair, in the chain.
      const events = await listAll((p) => w.store.audit.list({ from: r.startedAt }, p));
      const count = (type: string) => events.filter((e) => e.type === type).length;
      assert.equal(count('credential.imported'), 25);
      assert.equal(count('app.imported'), 2);
      assert.equal(count('reconcile.repaired'), 20 + 5 + 3 + 5);
      const restores = events.filter((e) => e.idpActivity === 'Restore application');
      assert.equal(restores.length, 5);
      assert.ok(restores.every((e) => e.type === 'reconcile.repaired' && e.entityType === 'app'));
      assert.ok(events.every((e) => !JSON.stringify(e).includes('secretText')));
      assert.equal((await w.store.audit.verify()).ok, true);

      const again = await run(false);
      assert.deepEqual(again.errors, []);
      assert.deepEqual(again.counts, {
        credentialsAdded: 0, credentialsRemoved: 0, credentialsChanged: 0, credentialsLingering: 5,
        appsChanged: 10, appsMissing: 3, orphansAdoptable: 0, orphans: 5,
      });
    });

    test('repeating --fix is a no-op for what was repaired', async () => {
      const before = await w.store.changeCounter();
      const r = await run(true);
      assert.equal(r.repaired.credentialsAdded + r.repaired.credentialsRemoved + r.repaired.orphansAdoptable + r.repaired.appsMissing, 0);
      // The three purged apps are still reported; a failed restore writes nothing.
      assert.deepEqual(r.drift.appsMissing.map((a) => a.state), ['gone', 'gone', 'gone']);
      assert.equal(await w.store.changeCounter(), before);
    });
  });
}

driftSuite('reconcile drift, SQLite, 2,000 apps', 2000);

const pgUrl = process.env.GATEHOUSE_TEST_PG;
if (!pgUrl) {
  test('reconcile drift, PostgreSQL', { skip: 'set GATEHOUSE_TEST_PG to run' }, () => {});
} else {
  const schema = `gh_test_${randomBytes(6).toString('hex')}`;
  after(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });
  driftSuite('reconcile drift, PostgreSQL, 300 apps', 300, { url: pgUrl, schema });
}
