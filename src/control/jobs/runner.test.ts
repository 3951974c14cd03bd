import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import { openStore } from '../../store/index.ts';
import { enqueueJob } from './enqueue.ts';
import { createJobRunner } from './runner.ts';
import { LeaseLostError, type JobHandler } from './types.ts';

async function setup(handlers: JobHandler[], lockMs = 10_000) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const store = await openStore({ url: 'sqlite::memory:', clock });
  const runner = createJobRunner({ store, handlers, clock, lockMs, retryDelayMs: (n) => 1000 * n, maxAttempts: 3 });
  const enqueue = (key: string, payload: Record<string, unknown> = {}, type = handlers[0]!.type) =>
    store.transaction((tx) => enqueueJob(tx, clock.now(), { type, key, payload }));
  return { clock, store, runner, enqueue };
}

describe('job runner', () => {
  test('enqueue is idempotent per (type, key) while unfinished', async () => {
    const { enqueue, store, runner } = await setup([{ type: 't', run: async () => ({ ok: true }) }]);
    const a = await enqueue('k1');
    const b = await enqueue('k1');
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.job.id, a.job.id);
    assert.equal(await runner.runUntilIdle(), 1);
    const done = await store.jobs.get(a.job.id);
    assert.equal(done!.state, 'succeeded');
    assert.deepEqual(done!.progress.result, { ok: true });
    assert.equal((await enqueue('k1')).created, true, 'a finished job does not block a new one');
    await store.close();
  });

  test('transient errors retry with backoff and Retry-After; progress survives attempts', async () => {
    let calls = 0;
    const { enqueue, store, runner, clock } = await setup([{
      type: 't',
      async run(ctx) {
        calls++;
        if (!ctx.progress.step1) await ctx.commit({ step1: calls });
        if (calls === 1) throw new GatehouseError('IDP_UNAVAILABLE', 'throttled', { retryAfterSeconds: 30 });
        if (calls === 2) throw new Error('socket hang up');
        return { step1: ctx.progress.step1 };
      },
    }]);
    const { job } = await enqueue('k');
    await runner.runUntilIdle();
    let j = (await store.jobs.get(job.id))!;
    assert.equal(j.state, 'pending');
    assert.equal(j.runAt, clock.now() + 30_000, 'waits at least Retry-After');
    assert.match(j.lastError!, /IDP_UNAVAILABLE: throttled/);
    assert.equal(await runner.runUntilIdle(), 0, 'not due yet');
    clock.advance(30_000);
    await runner.runUntilIdle();
    j = (await store.jobs.get(job.id))!;
    assert.equal(j.runAt, clock.now() + 2000);
    clock.advance(2000);
    await runner.runUntilIdle();
    j = (await store.jobs.get(job.id))!;
    assert.equal(j.state, 'succeeded');
    assert.deepEqual(j.progress.result, { step1: 1 }, 'step 1 ran once');
    assert.equal(j.attempts, 3);
    await store.close();
  });

  test('a final error gives up at once and compensates; too many transient errors give up too', async () => {
    const gaveUp: string[] = [];
    const { enqueue, store, runner, clock } = await setup([
      { type: 'final', run: async () => { throw new GatehouseError('IDP_REJECTED', 'no', { idpCode: 'X', hint: 'do Y' }); },
        onGiveUp: async (ctx) => { gaveUp.push(ctx.job.key); } },
      { type: 'flaky', run: async () => { throw new GatehouseError('IDP_UNAVAILABLE', 'down'); },
        onGiveUp: async (ctx) => { gaveUp.push(ctx.job.key); throw new Error('compensation broke'); } },
    ]);
    const f = await enqueue('a', {}, 'final');
    await runner.runUntilIdle();
    const fj = (await store.jobs.get(f.job.id))!;
    assert.equal(fj.state, 'failed');
    assert.equal(fj.lastError, 'IDP_REJECTED [X]: no do Y');
    const g = await enqueue('b', {}, 'flaky');
    for (let i = 0; i < 5; i++) { await runner.runUntilIdle(); clock.advance(10_000); }
    const gj = (await store.jobs.get(g.job.id))!;
    assert.equal(gj.state, 'failed');
    assert.equal(gj.attempts, 3);
    assert.match(String(gj.progress.compensationFailed), /compensation broke/);
    assert.deepEqual(gaveUp, ['a', 'b']);
    await store.close();
  });

  test('a crashed runner’s job is resumed after its lease lapses, skipping finished steps; the old runner cannot commit', async () => {
    const steps: string[] = [];
    const handler: JobHandler = {
      type: 't',
      async run(ctx) {
        for (const s of ['a', 'b', 'c']) {
          if (ctx.progress[s]) continue;
          steps.push(`${ctx.owner}:${s}`);
          await ctx.commit({ [s]: true });
        }
      },
    };
    const { enqueue, store, clock } = await setup([handler], 5_000);
    const { job } = await enqueue('k');
    // Runner A claims and records step a, then "dies" (never finishes).
    const claimed = (await store.jobs.claimNext('A', clock.now(), 5_000, ['t']))!;
    await store.transaction(async (tx) => tx.jobs.update({ ...claimed, progress: { a: true } }));
    const b = createJobRunner({ store, handlers: [handler], clock, lockMs: 5_000, owner: 'B' });
    assert.equal(await b.runUntilIdle(), 0, 'lease still held by A');
    clock.advance(5_001);
    assert.equal(await b.runUntilIdle(), 1);
    assert.deepEqual(steps, ['B:b', 'B:c']);
    const done = (await store.jobs.get(job.id))!;
    assert.equal(done.state, 'succeeded');
    await store.close();
  });
  test('a runner that lost its lease cannot commit a step or finish the job', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let lateCommit: unknown = null;
    const slow: JobHandler = {
      type: 't',
      async run(ctx) {
        if (ctx.owner === 'A') {
          await gate;
          try { await ctx.commit({ fromA: true }); } catch (e) { lateCommit = e; throw e; }
        }
        return { by: ctx.owner };
      },
    };
    const { enqueue, store, clock } = await setup([slow], 5_000);
    const { job } = await enqueue('k');
    const a = createJobRunner({ store, handlers: [slow], clock, lockMs: 5_000, owner: 'A' });
    const b = createJobRunner({ store, handlers: [slow], clock, lockMs: 5_000, owner: 'B' });
    const aRun = a.runOne();
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(6_000);
    assert.equal(await b.runOne(), true);
    release();
    await aRun;
    assert.ok(lateCommit instanceof LeaseLostError);
    const done = (await store.jobs.get(job.id))!;
    assert.equal(done.state, 'succeeded');
    assert.deepEqual(done.progress.result, { by: 'B' });
    assert.equal(done.progress.fromA, undefined);
    await store.close();
  });
});
