import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageRollup } from '../../core/domain.ts';
import type { Store } from '../../core/ports/store.ts';
import * as f from './fixtures.ts';

const MINUTE = 60_000;

export function usageSuite(store: () => Store): void {
  test('addRollups creates rows, then adds counts and latency sums and keeps the latency max', async () => {
    const apiId = f.unique('api');
    const appId = f.unique('app');
    const row = (over: Partial<UsageRollup>): UsageRollup => ({ minute: 0, apiId, appId, statusClass: '2xx', count: 1, latencySumMs: 10, latencyMaxMs: 10, ...over });
    await store().usage.addRollups([row({ count: 3, latencySumMs: 30, latencyMaxMs: 15 }), row({ statusClass: '5xx' })]);
    await store().usage.addRollups([row({ count: 2, latencySumMs: 5, latencyMaxMs: 4 }), row({ count: 1, latencySumMs: 50, latencyMaxMs: 50 })]);
    const { items } = await store().usage.rollups({ apiId });
    assert.deepEqual(items, [
      { minute: 0, apiId, appId, statusClass: '2xx', count: 6, latencySumMs: 85, latencyMaxMs: 50 },
      { minute: 0, apiId, appId, statusClass: '5xx', count: 1, latencySumMs: 10, latencyMaxMs: 10 },
    ]);
  });

  test('rollups without an app keep appId null and do not merge with app rows', async () => {
    const apiId = f.unique('api');
    const base = { minute: MINUTE, apiId, statusClass: '4xx' as const, count: 1, latencySumMs: 1.5, latencyMaxMs: 1.5 };
    await store().usage.addRollups([{ ...base, appId: null }, { ...base, appId: null }, { ...base, appId: 'app_a' }]);
    const { items } = await store().usage.rollups({ apiId });
    assert.deepEqual(items.map((r) => [r.appId, r.count, r.latencySumMs]), [[null, 2, 3], ['app_a', 1, 1.5]]);
  });

  test('rollups filter by api, app and minute range [from, to) and page by key', async () => {
    const apiId = f.unique('api');
    const rows: UsageRollup[] = [];
    for (let m = 0; m < 5; m++) {
      for (const appId of ['app_a', 'app_b']) rows.push({ minute: m * MINUTE, apiId, appId, statusClass: '2xx', count: m + 1, latencySumMs: 1, latencyMaxMs: 1 });
    }
    await store().usage.addRollups(rows);
    assert.equal((await store().usage.rollups({ apiId })).items.length, 10);
    assert.equal((await store().usage.rollups({ apiId, appId: 'app_b' })).items.length, 5);
    const ranged = await store().usage.rollups({ apiId, appId: 'app_a', from: MINUTE, to: 3 * MINUTE });
    assert.deepEqual(ranged.items.map((r) => r.minute), [MINUTE, 2 * MINUTE]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Store['usage']['rollups']>> = await store().usage.rollups({ apiId }, { limit: 3, cursor });
      seen.push(...page.items.map((r) => `${r.minute}/${r.appId}`));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, rows.map((r) => `${r.minute}/${r.appId}`));
  });

  test('touchApps keeps the latest lastSeenAt and source addresses newest first, distinct, at most 20', async () => {
    const appId = f.unique('app');
    assert.equal(await store().usage.activity(appId), null);
    await store().usage.touchApps([{ appId, lastSeenAt: 1000, sourceAddresses: ['10.0.0.2', '10.0.0.1'] }]);
    await store().usage.touchApps([{ appId, lastSeenAt: 2000, sourceAddresses: ['10.0.0.3', '10.0.0.1'] }]);
    assert.deepEqual(await store().usage.activity(appId), { appId, lastSeenAt: 2000, sourceAddresses: ['10.0.0.3', '10.0.0.1', '10.0.0.2'] });

    // An older report (late batch) does not move lastSeenAt back; its new addresses rank after the known ones.
    await store().usage.touchApps([{ appId, lastSeenAt: 1500, sourceAddresses: ['10.0.0.9'] }]);
    assert.deepEqual(await store().usage.activity(appId), { appId, lastSeenAt: 2000, sourceAddresses: ['10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.9'] });

    const many = Array.from({ length: 25 }, (_, i) => `192.0.2.${i}`);
    await store().usage.touchApps([{ appId, lastSeenAt: 3000, sourceAddresses: many }]);
    const activity = await store().usage.activity(appId);
    assert.equal(activity?.sourceAddresses.length, 20);
    assert.deepEqual(activity?.sourceAddresses, many.slice(0, 20));
  });

  test('touchApps merges several reports for one app in a batch, in order', async () => {
    const appId = f.unique('app');
    const other = f.unique('app');
    await store().usage.touchApps([
      { appId, lastSeenAt: 10, sourceAddresses: ['a'] },
      { appId: other, lastSeenAt: 5, sourceAddresses: ['x'] },
      { appId, lastSeenAt: 20, sourceAddresses: ['b'] },
    ]);
    assert.deepEqual(await store().usage.activity(appId), { appId, lastSeenAt: 20, sourceAddresses: ['b', 'a'] });
    assert.deepEqual(await store().usage.activity(other), { appId: other, lastSeenAt: 5, sourceAddresses: ['x'] });
  });

  test('concurrent rollup batches for the same key add up', async () => {
    const apiId = f.unique('api');
    const row: UsageRollup = { minute: 0, apiId, appId: null, statusClass: '2xx', count: 1, latencySumMs: 1, latencyMaxMs: 1 };
    await Promise.all(Array.from({ length: 10 }, () => store().usage.addRollups([row])));
    assert.equal((await store().usage.rollups({ apiId })).items[0]?.count, 10);
  });
}
