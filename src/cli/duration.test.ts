import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDays, parseDurationMs, parseSeconds, parseTimeArg } from './duration.ts';
import { CliError, EXIT } from './errors.ts';

const isUsage = (e: unknown) => e instanceof CliError && e.exitCode === EXIT.usage;

test('durations accept units and a default unit', () => {
  assert.equal(parseDurationMs('30d', 's'), 30 * 86_400_000);
  assert.equal(parseDurationMs('12h', 'd'), 12 * 3_600_000);
  assert.equal(parseDurationMs('90m', 'd'), 90 * 60_000);
  assert.equal(parseDurationMs('2w', 'd'), 14 * 86_400_000);
  assert.equal(parseDurationMs('45', 's'), 45_000);
  assert.equal(parseDurationMs(' 7D ', 's'), 7 * 86_400_000);
});

test('bad durations are usage errors', () => {
  for (const bad of ['', 'abc', '-5d', '0d', '5y', '1d2h', '1e3']) assert.throws(() => parseDurationMs(bad, 'd'), isUsage, bad);
});

test('days: whole days pass through, shorter durations round up and say so', () => {
  assert.deepEqual(parseDays('30d'), { days: 30, rounded: false });
  assert.deepEqual(parseDays('30'), { days: 30, rounded: false });
  assert.deepEqual(parseDays('48h'), { days: 2, rounded: false });
  assert.deepEqual(parseDays('12h'), { days: 1, rounded: true });
  assert.deepEqual(parseDays('25h'), { days: 2, rounded: true });
});

test('seconds for rate-limit windows', () => {
  assert.equal(parseSeconds('60'), 60);
  assert.equal(parseSeconds('1m'), 60);
  assert.equal(parseSeconds('1h'), 3600);
  assert.throws(() => parseSeconds('1500ms'), isUsage);
});

test('times: ISO passes through normalised, a duration means that long ago', () => {
  const now = Date.UTC(2026, 10, 27, 8, 0, 0);
  assert.equal(parseTimeArg('2026-11-27T06:00:00Z', now), '2026-11-27T06:00:00.000Z');
  assert.equal(parseTimeArg('2026-11-26', now), '2026-11-26T00:00:00.000Z');
  assert.equal(parseTimeArg('24h', now), '2026-11-26T08:00:00.000Z');
  assert.equal(parseTimeArg('7', now), '2026-11-20T08:00:00.000Z');
  assert.throws(() => parseTimeArg('yesterday', now), isUsage);
});
