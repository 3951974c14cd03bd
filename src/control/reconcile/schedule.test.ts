import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Provider } from '../../core/domain.ts';
import { openStore } from '../../store/index.ts';
import { RECONCILE_JOB } from './job.ts';
import { scheduleReconciles } from './schedule.ts';

const HOUR = 3_600_000;

async function world() {
  const clock = new ManualClock(Date.UTC(2026, 10, 27));
  const store = await openStore({ url: 'sqlite::memory:', clock });
  const provider = (kind: Provider['kind'], name: string): Provider => {
    const now = clock.now();
    return { id: newId('provider', now), name, kind, config: {}, secretCiphertext: null, createdAt: now, updatedAt: now };
  };
  const entra = provider('entra', 'corp-entra');
  await store.providers.insert(entra);
  await store.providers.insert(provider('local', 'local'));
  const jobs = async () => (await store.jobs.list({ type: RECONCILE_JOB })).items;
  const finish = async (state: 'succeeded' | 'failed') => {
    for (const job of await jobs()) if (job.state === 'pending') await store.jobs.update({ ...job, state, updatedAt: clock.now() });
  };
  return { clock, store, entra, jobs, finish, schedule: () => scheduleReconciles({ store, clock, intervalMs: 6 * HOUR, fix: false }) };
}

test('scheduled reconcile: one job per Entra provider, never doubled while it is unfinished, again once the interval has passed', async (t) => {
  const w = await world();
  t.after(() => w.store.close());

  assert.deepEqual((await w.schedule()).enqueued, [w.entra.id], 'first tick: due (never ran); the local provider has nothing to list');
  assert.deepEqual((await w.schedule()).enqueued, [], 'the pending job is not doubled');
  const [first] = await w.jobs();
  assert.deepEqual(first!.payload, { providerId: w.entra.id, fix: false });

  await w.finish('succeeded');
  w.clock.advance(6 * HOUR - 1);
  assert.deepEqual((await w.schedule()).enqueued, [], 'not before the interval has passed since the run ended');
  w.clock.advance(1);
  assert.deepEqual((await w.schedule()).enqueued, [w.entra.id]);
  assert.equal((await w.jobs()).length, 2);
});

test('scheduled reconcile: a failed run waits for the interval too, so an IdP outage is not hammered', async (t) => {
  const w = await world();
  t.after(() => w.store.close());
  await w.schedule();
  await w.finish('failed');
  w.clock.advance(HOUR);
  assert.deepEqual((await w.schedule()).enqueued, []);
  w.clock.advance(5 * HOUR);
  assert.deepEqual((await w.schedule()).enqueued, [w.entra.id]);
});
