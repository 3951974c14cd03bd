import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileScheduleFrom } from './reconcile-schedule.ts';

test('scheduled reconcile: every 6 hours, report-only, unless told otherwise', () => {
  assert.deepEqual(reconcileScheduleFrom(undefined, undefined), { intervalMs: 6 * 3_600_000, fix: false });
  assert.deepEqual(reconcileScheduleFrom('1d', '1'), { intervalMs: 86_400_000, fix: true });
  assert.deepEqual(reconcileScheduleFrom('90m', 'no'), { intervalMs: 90 * 60_000, fix: false });
  assert.equal(reconcileScheduleFrom('off', '1'), undefined);
  assert.equal(reconcileScheduleFrom('0', undefined), undefined);
});

test('scheduled reconcile: a bad interval or fix flag is a usage error, not a silent default', () => {
  assert.throws(() => reconcileScheduleFrom('1m', undefined), /at least 5m/);
  assert.throws(() => reconcileScheduleFrom('soon', undefined), /not a duration/);
  assert.throws(() => reconcileScheduleFrom('6h', 'maybe'), /yes\/no/);
});
