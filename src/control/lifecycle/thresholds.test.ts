import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertThresholdsOf, DAY_MS, daysLeft, planThresholds } from './thresholds.ts';

const T = [60, 30, 14, 7, 1];
const expiresAt = Date.UTC(2026, 11, 31);

test('nothing crossed far from expiry', () => {
  assert.deepEqual(planThresholds(expiresAt, expiresAt - 61 * DAY_MS, T), { fire: null, supersede: [] });
});

test('each threshold crosses at exactly its day', () => {
  assert.deepEqual(planThresholds(expiresAt, expiresAt - 60 * DAY_MS - 1, T).fire, null);
  assert.deepEqual(planThresholds(expiresAt, expiresAt - 60 * DAY_MS, T), { fire: 60, supersede: [] });
  assert.deepEqual(planThresholds(expiresAt, expiresAt - 29 * DAY_MS, T), { fire: 30, supersede: [60] });
  assert.deepEqual(planThresholds(expiresAt, expiresAt - 1 * DAY_MS, T), { fire: 1, supersede: [7, 14, 30, 60] });
});

test('an expired credential fires the tightest threshold', () => {
  assert.equal(planThresholds(expiresAt, expiresAt + DAY_MS, T).fire, 1);
});

test('thresholds are cleaned from settings, with defaults', () => {
  assert.deepEqual(alertThresholdsOf(null), T);
  assert.deepEqual(alertThresholdsOf({ settings: { credentialLifetimeDays: 1, alertThresholdsDays: [] } }), T);
  assert.deepEqual(alertThresholdsOf({ settings: { credentialLifetimeDays: 1, alertThresholdsDays: [3, 10, 3, -1, 0, 2.5] } }), [10, 3]);
});

test('days left rounds up', () => {
  assert.equal(daysLeft(expiresAt, expiresAt - 20 * 3_600_000), 1);
  assert.equal(daysLeft(expiresAt, expiresAt - 7 * DAY_MS), 7);
  assert.equal(daysLeft(expiresAt, expiresAt + 1), 0);
});
