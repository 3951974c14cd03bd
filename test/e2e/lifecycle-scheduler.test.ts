import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/core/clock.ts';
import type { LifecycleStore } from '../../src/core/ports/lifecycle.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { startLifecycleScheduler, type LifecycleScheduler } from '../../src/control/lifecycle/index.ts';
import { startWorld, T0 } from '../../src/control/lifecycle/testing/world.ts';
import { openStore } from '../../src/store/index.ts';
import { openLifecycleStore } from '../../src/store/lifecycle/index.ts';

/** Counts ticks and the most that ever ran at once; each tick's work is stretched so contenders really overlap. */
function instrumented(ls: LifecycleStore, stats: { runs: Record<string, number>; active: number; maxActive: number }): LifecycleStore {
  return {
    ...ls,
    runExclusive: (name, owner, now, ttl, fn) =>
      ls.runExclusive(name, owner, now, ttl, async () => {
        stats.active++;
        stats.maxActive = Math.max(stats.maxActive, stats.active);
        stats.runs[owner] = (stats.runs[owner] ?? 0) + 1;
        try {
          await new Promise((r) => setTimeout(r, 15));
          return await fn();
        } finally {
          stats.active--;
        }
      }),
  };
}

type Node = { store: Store; lifecycleStore: LifecycleStore };

function scenario(openNodes: () => Promise<{ a: Node; b: Node; clock: ManualClock; cleanup: () => Promise<void> }>) {
  return async () => {
    const { a, b, clock, cleanup } = await openNodes();
    const stats = { runs: {} as Record<string, number>, active: 0, maxActive: 0 };
    const start = (node: Node, owner: string): LifecycleScheduler =>
      startLifecycleScheduler({
        store: node.store, lifecycleStore: instrumented(node.lifecycleStore, stats), clock, channels: [], intervalMs: 0, leaseTtlMs: 60_000, owner,
      });
    try {
      let s1 = start(a, 'node-1');
      const s2 = start(b, 'node-2');
      // Both nodes tick at the same moments: exactly one runs each round, never both at once.
      for (let round = 0; round < 8; round++) {
        clock.advance(20_000);
        const results = await Promise.all([s1.tick(), s2.tick(), s2.tick(), s1.tick()]);
        assert.equal(results.filter((r) => r.ran).length, 1, `round ${round}`);
      }
      assert.equal(stats.maxActive, 1);
      const holder = Object.keys(stats.runs);
      assert.equal(holder.length, 1, 'the lease holder keeps it while it renews');

      // The holder crashes (no stop, no release): the other node waits out the lease, then takes over.
      const [crashed, survivor] = holder[0] === 'node-1' ? [s1, s2] : [s2, s1];
      const survivorName = holder[0] === 'node-1' ? 'node-2' : 'node-1';
      clock.advance(59_000);
      assert.equal((await survivor.tick()).ran, false);
      clock.advance(1_000);
      assert.equal((await survivor.tick()).ran, true);
      assert.equal((await crashed.tick()).ran, false, 'the old holder does not run once it lost the lease');
      assert.equal(stats.runs[survivorName], 1);

      // A clean stop releases the lease: the other node runs at once.
      await survivor.stop();
      assert.equal((await crashed.tick()).ran, true);
      await crashed.stop();
      assert.equal((await crashed.tick()).ran, false, 'a stopped scheduler never ticks');
      s1 = start(a, 'node-3');
      assert.equal((await s1.tick()).ran, true);
      await s1.stop();
      assert.equal(stats.maxActive, 1);
    } finally {
      await cleanup();
    }
  };
}

describe('two schedulers on one store never both run a tick', () => {
  test('SQLite: two connections on one file', scenario(async () => {
    const world = await startWorld();
    const second = await world.reopen();
    return { a: world, b: second, clock: world.clock, cleanup: () => world.close() };
  }));

  test('SQLite: one store shared', scenario(async () => {
    const world = await startWorld();
    return { a: world, b: world, clock: world.clock, cleanup: () => world.close() };
  }));

  const PG = process.env.GATEHOUSE_TEST_PG;
  const schema = `gh_test_lcs_${randomBytes(4).toString('hex')}`;
  const opened: Store[] = [];
  after(async () => {
    if (!PG) return;
    for (const s of opened) await s.close().catch(() => {});
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });
  test('PostgreSQL: two pools (lease + advisory lock)', { skip: !PG && 'set GATEHOUSE_TEST_PG to run' }, scenario(async () => {
    const clock = new ManualClock(T0);
    const node = async (): Promise<Node> => {
      const store = await openStore({ url: `${PG}${PG!.includes('?') ? '&' : '?'}schema=${schema}`, clock });
      opened.push(store);
      return { store, lifecycleStore: await openLifecycleStore(store) };
    };
    const a = await node();
    const b = await node();
    return { a, b, clock, cleanup: async () => {} };
  }));
});

test('with an interval it ticks by itself, and stop() hands the lease over', async () => {
  const world = await startWorld();
  try {
    const stats = { runs: {} as Record<string, number>, active: 0, maxActive: 0 };
    const s = startLifecycleScheduler({
      store: world.store, lifecycleStore: instrumented(world.lifecycleStore, stats), clock: world.clock, channels: [], intervalMs: 20, owner: 'timed',
    });
    const deadline = Date.now() + 5000;
    while ((stats.runs.timed ?? 0) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok((stats.runs.timed ?? 0) >= 2, 'ticked at least twice on its own');
    assert.equal(await world.lifecycleStore.acquireLease('lifecycle-scheduler', 'other', world.clock.now(), 1000), null);
    await s.stop();
    assert.ok(await world.lifecycleStore.acquireLease('lifecycle-scheduler', 'other', world.clock.now(), 1000));
  } finally {
    await world.close();
  }
});

test('a failing phase is reported and the others still run', async () => {
  const world = await startWorld();
  try {
    const broken: LifecycleStore = { ...world.lifecycleStore, dueAlerts: async () => { throw new Error('disk on fire'); } };
    const s = startLifecycleScheduler({ store: world.store, lifecycleStore: broken, clock: world.clock, channels: [], intervalMs: 0 });
    const report = await s.tick();
    await s.stop();
    assert.equal(report.ran, true);
    assert.deepEqual(report.errors, ['deliver']);
    assert.deepEqual(report.sweep, { removed: 0, errors: [] });
    assert.equal(report.purgedDeliveries, 0);
  } finally {
    await world.close();
  }
});
