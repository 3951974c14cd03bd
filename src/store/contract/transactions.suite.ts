import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../core/ports/store.ts';
import { assertCode } from './assertions.ts';
import * as f from './fixtures.ts';

/** One transaction = all or nothing (rows and audit events), and the change counter moves once per committed write. */
export function transactionsSuite(store: () => Store): void {
  test('ping answers and the dialect is named', async () => {
    await store().ping();
    assert.ok(['sqlite', 'postgres'].includes(store().dialect));
  });

  test('a transaction returns its value and reads its own writes', async () => {
    const env = f.environment();
    const result = await store().transaction(async (tx) => {
      await tx.environments.insert(env);
      return (await tx.environments.get(env.id))?.name;
    });
    assert.equal(result, env.name);
  });

  test('a throw rolls back every row and audit event, rethrows the error, and leaves the counter alone', async () => {
    const env = f.environment();
    const app = f.app({ environmentId: env.id });
    const before = await store().changeCounter();
    const lastSeq = await headSeq(store());
    const boom = new Error('boom');
    await assert.rejects(
      store().transaction(async (tx) => {
        await tx.environments.insert(env);
        await tx.apps.insert(app);
        await tx.audit.append({ type: 'app.created', entityType: 'app', entityId: app.id, actor: 'test', at: 1, before: null, after: app, idpActivity: null });
        await tx.jobs.insert(f.job());
        throw boom;
      }),
      (e) => e === boom,
    );
    assert.equal(await store().environments.get(env.id), null);
    assert.equal(await store().apps.get(app.id), null);
    assert.equal((await store().audit.list({ entityId: app.id })).items.length, 0);
    assert.equal(await headSeq(store()), lastSeq);
    assert.equal(await store().changeCounter(), before);
    assert.equal((await store().audit.verify()).ok, true);
  });

  test('a unique violation mid-transaction rolls back the rows written before it', async () => {
    const taken = f.environment();
    await store().transaction((tx) => tx.environments.insert(taken));
    const first = f.provider();
    await assertCode(
      store().transaction(async (tx) => {
        await tx.providers.insert(first);
        await tx.environments.insert(f.environment({ name: taken.name }));
      }),
      'NAME_TAKEN',
      { field: 'name' },
    );
    assert.equal(await store().providers.get(first.id), null);
  });

  test('the change counter grows by one per committed write transaction, not for reads or rollbacks', async () => {
    const start = await store().changeCounter();
    await store().transaction(async (tx) => {
      await tx.environments.insert(f.environment());
      await tx.providers.insert(f.provider());
      await tx.apis.insert(f.api());
    });
    assert.equal(await store().changeCounter(), start + 1);
    await store().transaction((tx) => tx.environments.list());
    assert.equal(await store().changeCounter(), start + 1, 'read-only transaction');
    await assert.rejects(store().transaction(async (tx) => {
      await tx.environments.insert(f.environment());
      throw new Error('no');
    }));
    assert.equal(await store().changeCounter(), start + 1, 'rolled back');
    await store().transaction(async (tx) => {
      const e = f.environment();
      await tx.environments.insert(e);
      await tx.environments.delete(e.id);
    });
    assert.equal(await store().changeCounter(), start + 2);
  });

  test('a write outside a transaction runs in its own and moves the counter; usage and job claims do not', async () => {
    const start = await store().changeCounter();
    const env = f.environment();
    await store().environments.insert(env);
    assert.deepEqual(await store().environments.get(env.id), env);
    assert.equal(await store().changeCounter(), start + 1);
    await assertCode(store().environments.insert(f.environment({ name: env.name })), 'NAME_TAKEN', { field: 'name' });
    assert.equal(await store().changeCounter(), start + 1);

    await store().usage.addRollups([{ minute: 0, apiId: f.unique('api'), appId: null, statusClass: '2xx', count: 1, latencySumMs: 1, latencyMaxMs: 1 }]);
    await store().usage.touchApps([{ appId: f.unique('app'), lastSeenAt: 1, sourceAddresses: ['127.0.0.1'] }]);
    await store().jobs.claimNext('worker', 0, 1000, [f.unique('none')]);
    assert.equal(await store().changeCounter(), start + 1);
  });

  test('using the store itself inside a transaction fails at once (it would deadlock on SQLite) and rolls back', { timeout: 10_000 }, async () => {
    const env = f.environment();
    await assertCode(
      store().transaction(async (tx) => {
        await tx.environments.insert(env);
        await store().environments.get(env.id);
      }),
      'INTERNAL',
    );
    await assertCode(store().transaction(() => store().transaction(async () => 1)), 'INTERNAL');
    assert.equal(await store().environments.get(env.id), null);
    // Work scheduled from inside a transaction but run after it ended may use the store.
    let later: Promise<unknown> = Promise.resolve();
    await store().transaction(async () => {
      later = new Promise((resolve, reject) => setImmediate(() => store().ping().then(resolve, reject)));
    });
    await later;
  });
}

async function headSeq(store: Store): Promise<number> {
  let cursor: string | null = null;
  let last = 0;
  do {
    const page: Awaited<ReturnType<Store['audit']['list']>> = await store.audit.list({}, { limit: 500, cursor });
    if (page.items.length) last = page.items[page.items.length - 1]!.seq;
    cursor = page.nextCursor;
  } while (cursor);
  return last;
}
