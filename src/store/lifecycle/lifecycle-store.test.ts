import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openStore } from '../index.ts';
import type { Store } from '../../core/ports/store.ts';
import type { AlertRecord, LifecycleStore } from '../../core/ports/lifecycle.ts';
import { openLifecycleStore } from './index.ts';

const PG = process.env.GATEHOUSE_TEST_PG;

function alert(over: Partial<AlertRecord> = {}): AlertRecord {
  return {
    id: 'alr_' + randomBytes(6).toString('hex'), kind: 'expiry', credentialId: 'crd_1', thresholdDays: 30, channel: 'webhook', status: 'pending',
    payload: { hello: 'world' }, attempts: 0, nextAttemptAt: 1000, lastError: null, createdAt: 1000, sentAt: null, ...over,
  };
}

function suite(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>, skip: string | false) {
  describe(name, { skip }, () => {
    let store: Store;
    let ls: LifecycleStore;
    let cleanup: () => Promise<void>;
    test('opens', async () => {
      ({ store, cleanup } = await open());
      ls = await openLifecycleStore(store);
      await openLifecycleStore(store); // idempotent schema
    });
    after(async () => { await cleanup?.(); });

    test('an alert is claimed once per credential, threshold and channel', async () => {
      assert.equal(await ls.claimAlert(alert()), true);
      assert.equal(await ls.claimAlert(alert()), false);
      assert.equal(await ls.claimAlert(alert({ channel: 'email' })), true);
      assert.equal(await ls.claimAlert(alert({ thresholdDays: 7 })), true);
      assert.equal((await ls.listAlerts({ credentialId: 'crd_1' })).length, 3);
    });

    test('rotation notices share the ledger: their own kind, threshold 0, once per channel', async () => {
      const notice = (channel: AlertRecord['channel']) => alert({ kind: 'rotation', credentialId: 'crd_new', thresholdDays: 0, channel });
      assert.equal(await ls.claimAlert(notice('webhook')), true);
      assert.equal(await ls.claimAlert(notice('webhook')), false);
      assert.equal(await ls.claimAlert(notice('email')), true);
      assert.equal(await ls.claimAlert(alert({ credentialId: 'crd_new', thresholdDays: 30 })), true, 'a later expiry alert of the new credential');
      assert.deepEqual((await ls.listAlerts({ credentialId: 'crd_new', kind: 'rotation' })).map((a) => [a.kind, a.channel, a.thresholdDays]).sort(),
        [['rotation', 'email', 0], ['rotation', 'webhook', 0]]);
      assert.deepEqual((await ls.listAlerts({ credentialId: 'crd_new', kind: 'expiry' })).map((a) => a.thresholdDays), [30]);
      assert.ok((await ls.dueAlerts(1000, 100)).some((a) => a.kind === 'rotation'), 'due like any alert');
    });

    test('due alerts, updates and the delivery log', async () => {
      const a = alert({ credentialId: 'crd_2', nextAttemptAt: 5000 });
      await ls.claimAlert(a);
      assert.ok(!(await ls.dueAlerts(4999, 100)).some((x) => x.id === a.id));
      const due = (await ls.dueAlerts(5000, 100)).find((x) => x.id === a.id)!;
      assert.deepEqual(due.payload, { hello: 'world' });
      await ls.updateAlert({ ...due, status: 'sent', attempts: 1, sentAt: 5001 });
      assert.ok(!(await ls.dueAlerts(10_000, 100)).some((x) => x.id === a.id));
      const [stored] = await ls.listAlerts({ credentialId: 'crd_2' });
      assert.equal(stored!.status, 'sent');
      assert.equal(stored!.sentAt, 5001);
      assert.equal(typeof stored!.nextAttemptAt, 'number');
      await ls.recordAttempt({ id: 'att1', alertId: a.id, channel: 'webhook', attempt: 1, at: 5001, ok: true, statusCode: 204, error: null, durationMs: 3 });
      assert.deepEqual(await ls.listAttempts({ alertId: a.id }), [
        { id: 'att1', alertId: a.id, channel: 'webhook', attempt: 1, at: 5001, ok: true, statusCode: 204, error: null, durationMs: 3 },
      ]);
    });

    test('leases: compare-and-set, renewal, expiry, release', async () => {
      assert.ok(await ls.acquireLease('l', 'a', 1000, 100));
      assert.equal(await ls.acquireLease('l', 'b', 1050, 100), null);
      assert.ok(await ls.acquireLease('l', 'a', 1050, 100)); // renew → until 1150
      assert.equal(await ls.acquireLease('l', 'b', 1149, 100), null);
      assert.deepEqual(await ls.acquireLease('l', 'b', 1150, 100), { name: 'l', owner: 'b', expiresAt: 1250 });
      await ls.releaseLease('l', 'a'); // not a's any more: no effect
      assert.equal(await ls.acquireLease('l', 'a', 1200, 100), null);
      await ls.releaseLease('l', 'b');
      assert.ok(await ls.acquireLease('l', 'a', 1200, 100));
    });

    test('runExclusive: concurrent contenders, one runs', async () => {
      let runs = 0;
      const fn = async () => { runs++; await new Promise((r) => setTimeout(r, 20)); return 'done'; };
      const results = await Promise.all(['x', 'y', 'z'].map((o) => ls.runExclusive('ex', o, 2000, 1000, fn)));
      assert.equal(results.filter((r) => r.ran).length, 1);
      assert.equal(runs, 1);
    });

    test('secret deliveries are consumed once and purged at expiry', async () => {
      const rec = { id: 'dlv_x', appId: 'app_1', credentialId: 'crd_1', ciphertext: 'abc', createdAt: 0, expiresAt: 100, fetchedAt: null };
      await ls.insertSecretDelivery(rec);
      assert.deepEqual(await ls.getSecretDelivery('dlv_x'), rec);
      assert.equal(await ls.consumeSecretDelivery('dlv_x', 100), false); // expired at 100
      assert.equal(await ls.consumeSecretDelivery('dlv_x', 50), true);
      assert.equal(await ls.consumeSecretDelivery('dlv_x', 51), false);
      assert.equal((await ls.getSecretDelivery('dlv_x'))!.ciphertext, '');
      await ls.insertSecretDelivery({ ...rec, id: 'dlv_y' });
      assert.equal(await ls.purgeExpiredSecretDeliveries(99), 0);
      assert.equal(await ls.purgeExpiredSecretDeliveries(100), 1);
      assert.equal((await ls.getSecretDelivery('dlv_y'))!.ciphertext, '');
    });
  });
}

suite('lifecycle store on SQLite', async () => {
  const store = await openStore({ url: 'sqlite::memory:' });
  return { store, cleanup: () => store.close() };
}, false);

suite('lifecycle store on PostgreSQL', async () => {
  const schema = `gh_test_lc_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ url: `${PG}${PG!.includes('?') ? '&' : '?'}schema=${schema}` });
  return {
    store,
    cleanup: async () => {
      const { default: pg } = await import('pg');
      await store.close();
      const client = new pg.Client({ connectionString: PG });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}, !PG && 'set GATEHOUSE_TEST_PG to run');

test('registered after the store migrations, it migrates a fresh database and an existing one', async () => {
  const { Kysely, Migrator } = await import('kysely');
  const { sqliteDialect } = await import('../sqlite.ts');
  const { initialMigration } = await import('../migrations/001_initial.ts');
  const db = new Kysely<any>({ dialect: sqliteDialect(':memory:') });
  try {
    const only = new Migrator({ db, provider: { getMigrations: async () => ({ '001_initial': initialMigration('sqlite') }) } });
    assert.equal((await only.migrateToLatest()).error, undefined);
    const both = new Migrator({ db, provider: { getMigrations: async () => ({ '001_initial': initialMigration('sqlite'), '100_lifecycle': (await import('./migration.ts')).lifecycleMigration }) } });
    const result = await both.migrateToLatest();
    assert.equal(result.error, undefined);
    assert.deepEqual(result.results?.map((r) => [r.migrationName, r.status]), [['100_lifecycle', 'Success']]);
  } finally {
    await db.destroy();
  }
});

test('004 adds the notice kind to an existing ledger; earlier rows are expiry alerts', async () => {
  const { Kysely, Migrator } = await import('kysely');
  const { sqliteDialect } = await import('../sqlite.ts');
  const { initialMigration } = await import('../migrations/001_initial.ts');
  const { lifecycleMigration } = await import('./migration.ts');
  const { alertKindMigration } = await import('../migrations/004_alert_kind.ts');
  const db = new Kysely<any>({ dialect: sqliteDialect(':memory:') });
  try {
    const before = { '001_initial': initialMigration('sqlite'), '002_lifecycle': lifecycleMigration };
    assert.equal((await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()).error, undefined);
    await db.insertInto('lifecycle_alerts').values({
      id: 'alr_old.webhook', credential_id: 'crd_old', threshold_days: 7, channel: 'webhook', status: 'sent', payload: '{}',
      attempts: 1, next_attempt_at: 1, last_error: null, created_at: 1, sent_at: 2,
    }).execute();
    const result = await new Migrator({ db, provider: { getMigrations: async () => ({ ...before, '004_alert_kind': alertKindMigration }) } }).migrateToLatest();
    assert.equal(result.error, undefined);
    assert.deepEqual(result.results?.map((r) => [r.migrationName, r.status]), [['004_alert_kind', 'Success']]);
    const { createKyselyLifecycleStore } = await import('./kysely-lifecycle-store.ts');
    const [old] = await createKyselyLifecycleStore(db, 'sqlite').listAlerts({ credentialId: 'crd_old' });
    assert.equal(old!.kind, 'expiry');
  } finally {
    await db.destroy();
  }
});
