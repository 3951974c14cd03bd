import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppActivity, UsageRollup } from '../../core/domain.ts';
import { UsageRecorder } from './recorder.ts';

const MIN = 60_000;
const t = 1_000_000_020_000 - (1_000_000_020_000 % MIN);

function fakeUsage() {
  const rollups: UsageRollup[][] = [];
  const touches: AppActivity[][] = [];
  let failures = 0;
  return {
    rollups, touches,
    failNext(n: number) { failures = n; },
    usage: {
      addRollups: async (rows: UsageRollup[]) => { if (failures > 0) { failures--; throw new Error('store down'); } rollups.push(structuredClone(rows)); },
      touchApps: async (rows: AppActivity[]) => { touches.push(structuredClone(rows)); },
    },
  };
}

test('aggregates per minute, API, app and status class; writes on flush, not on record', async () => {
  const f = fakeUsage();
  const rec = new UsageRecorder({ usage: f.usage });
  rec.record('api_1', 'app_1', 200, 4, t, '10.0.0.1');
  rec.record('api_1', 'app_1', 204, 6, t + 10, '10.0.0.2');
  rec.record('api_1', 'app_1', 503, 1, t + 20, '10.0.0.1');
  rec.record('api_1', null, 401, 0.5, t + 30, '10.0.0.9');
  rec.record('api_1', 'app_1', 200, 3, t + MIN, '10.0.0.1');
  assert.equal(f.rollups.length, 0);
  await rec.flush();
  const rows = f.rollups[0]!.map((r) => [r.minute - t, r.appId, r.statusClass, r.count, r.latencySumMs, r.latencyMaxMs]);
  assert.deepEqual(rows, [
    [0, 'app_1', '2xx', 2, 10, 6],
    [0, 'app_1', '5xx', 1, 1, 1],
    [0, null, '4xx', 1, 0.5, 0.5],
    [MIN, 'app_1', '2xx', 1, 3, 3],
  ]);
  assert.deepEqual(f.touches[0], [{ appId: 'app_1', lastSeenAt: t + MIN, sourceAddresses: ['10.0.0.1', '10.0.0.2'] }]);
  await rec.flush();
  assert.equal(f.rollups.length, 1, 'nothing new, nothing written');
});

test('a failed flush keeps the rows and a later flush writes them, merged with new ones', async () => {
  const f = fakeUsage();
  const rec = new UsageRecorder({ usage: f.usage });
  rec.record('api_1', 'app_1', 200, 2, t, undefined);
  f.failNext(1);
  await rec.flush();
  assert.equal(f.rollups.length, 0);
  assert.equal(rec.pendingRows, 1);
  rec.record('api_1', 'app_1', 200, 5, t, undefined);
  await rec.flush();
  assert.deepEqual(f.rollups[0]!.map((r) => [r.count, r.latencySumMs, r.latencyMaxMs]), [[2, 7, 5]]);
});

test('the buffer is bounded while the store is down', async () => {
  const f = fakeUsage();
  const rec = new UsageRecorder({ usage: f.usage, maxRows: 2 });
  f.failNext(100);
  for (let i = 0; i < 10; i++) rec.record('api_' + i, null, 200, 1, t, undefined);
  await rec.flush();
  assert.equal(rec.pendingRows, 2);
});

test('stop() flushes what is left', async () => {
  const f = fakeUsage();
  const rec = new UsageRecorder({ usage: f.usage, flushMs: 60_000 });
  rec.start();
  rec.record('api_1', 'app_1', 200, 1, t, '::1');
  await rec.stop();
  assert.equal(f.rollups[0]!.length, 1);
});

test('per-credential last use: the latest time per credential, one write per flush, kept and retried when the store fails', async () => {
  const f = fakeUsage();
  const writes: { credentialId: string; lastUsedAt: number; source: string }[][] = [];
  let failNext = false;
  const credentials = {
    recordLastUse: async (rows: { credentialId: string; lastUsedAt: number; source: 'gateway' | 'idp' }[]) => {
      if (failNext) { failNext = false; throw new Error('store down'); }
      writes.push(structuredClone(rows));
      return rows.length;
    },
  };
  const rec = new UsageRecorder({ usage: f.usage, credentials });
  rec.credentialUsed('crd_old', t + 5);
  rec.credentialUsed('crd_old', t + 2); // out of order: the later time wins
  rec.credentialUsed('crd_new', t + 3);
  assert.equal(writes.length, 0, 'nothing is written on the request path');
  failNext = true;
  await rec.flush();
  assert.equal(writes.length, 0);
  rec.credentialUsed('crd_new', t + 9);
  await rec.flush();
  assert.deepEqual(writes, [[
    { credentialId: 'crd_old', lastUsedAt: t + 5, source: 'gateway' },
    { credentialId: 'crd_new', lastUsedAt: t + 9, source: 'gateway' },
  ]]);
  await rec.flush();
  assert.equal(writes.length, 1, 'an empty buffer writes nothing');
});

test('per-credential last use is not buffered when no credential repository is given', async () => {
  const f = fakeUsage();
  const rec = new UsageRecorder({ usage: f.usage });
  rec.credentialUsed('crd_x', t);
  await rec.flush();
  assert.equal(f.rollups.length + f.touches.length, 0);
});
