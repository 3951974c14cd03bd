import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../core/ports/store.ts';
import * as f from './fixtures.ts';

const NOW = Date.UTC(2026, 0, 2);

export function jobsSuite(store: () => Store): void {
  test('claimNext takes the earliest due pending job, locks it for the owner and counts the attempt', async () => {
    const type = f.unique('type');
    const later = f.job({ type, runAt: NOW - 10 });
    const earlier = f.job({ type, runAt: NOW - 20 });
    const future = f.job({ type, runAt: NOW + 1 });
    const done = f.job({ type, runAt: 0, state: 'succeeded' });
    const failed = f.job({ type, runAt: 0, state: 'failed' });
    await store().transaction(async (tx) => {
      for (const j of [later, earlier, future, done, failed]) await tx.jobs.insert(j);
    });
    const claimed = await store().jobs.claimNext('w1', NOW, 30_000, [type]);
    assert.deepEqual(claimed, { ...earlier, state: 'running', lockedBy: 'w1', lockedUntil: NOW + 30_000, attempts: 1, updatedAt: NOW });
    assert.deepEqual(await store().jobs.get(earlier.id), claimed);
    assert.equal((await store().jobs.claimNext('w2', NOW, 30_000, [type]))?.id, later.id);
    assert.equal(await store().jobs.claimNext('w3', NOW, 30_000, [type]), null, 'future, finished and locked jobs are not claimed');
  });

  test('latest returns the newest job of a filter (ties by id), or null', async () => {
    const type = f.unique('type');
    const key = f.unique('key');
    const first = f.job({ type, key, state: 'succeeded', createdAt: NOW - 20 });
    const second = f.job({ type, key, state: 'failed', createdAt: NOW - 10 });
    const other = f.job({ type, key: f.unique('other'), createdAt: NOW });
    await store().transaction(async (tx) => {
      for (const j of [second, other, first]) await tx.jobs.insert(j);
    });
    assert.equal((await store().jobs.latest({ type, key }))?.id, second.id);
    assert.equal((await store().jobs.latest({ type, key, state: 'succeeded' }))?.id, first.id);
    assert.equal((await store().jobs.latest({ type }))?.id, other.id);
    assert.equal(await store().jobs.latest({ type, key, state: 'running' }), null);
  });

  test('a running job whose lock expired can be claimed again; a live lock cannot', async () => {
    const type = f.unique('type');
    const j = f.job({ type, runAt: NOW - 1 });
    await store().transaction((tx) => tx.jobs.insert(j));
    await store().jobs.claimNext('w1', NOW, 1000, [type]);
    assert.equal(await store().jobs.claimNext('w2', NOW + 999, 1000, [type]), null);
    const again = await store().jobs.claimNext('w2', NOW + 1000, 1000, [type]);
    assert.equal(again?.id, j.id);
    assert.equal(again?.lockedBy, 'w2');
    assert.equal(again?.attempts, 2);
  });

  test('claimNext honours the types filter; an empty list claims nothing', async () => {
    const [a, b] = [f.job({ runAt: 0 }), f.job({ runAt: 0 })];
    await store().transaction(async (tx) => {
      await tx.jobs.insert(a);
      await tx.jobs.insert(b);
    });
    assert.equal(await store().jobs.claimNext('w', NOW, 1000, []), null);
    assert.equal((await store().jobs.claimNext('w', NOW, 1000, [b.type]))?.id, b.id);
    assert.equal((await store().jobs.claimNext('w', NOW, 1000, [a.type, b.type]))?.id, a.id);
  });

  test('concurrent claimers never get the same job and together get them all', async () => {
    const type = f.unique('type');
    const jobs = Array.from({ length: 24 }, () => f.job({ type, runAt: NOW - 1 }));
    await store().transaction(async (tx) => {
      for (const j of jobs) await tx.jobs.insert(j);
    });
    const claimer = async (owner: string) => {
      const got: string[] = [];
      for (;;) {
        const job = await store().jobs.claimNext(owner, NOW, 60_000, [type]);
        if (!job) return got;
        assert.equal(job.lockedBy, owner);
        got.push(job.id);
      }
    };
    const results = await Promise.all(['w1', 'w2', 'w3', 'w4'].map(claimer));
    const all = results.flat();
    assert.equal(new Set(all).size, all.length, 'no job claimed twice');
    assert.deepEqual(all.sort(), jobs.map((j) => j.id).sort());
  });
}
