import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIsoDuration, parseIsoDuration } from './iso-duration.ts';

const D = 86_400_000;

test('parses weeks, days and times', () => {
  assert.equal(parseIsoDuration('P30D'), 30 * D);
  assert.equal(parseIsoDuration('p2w'), 14 * D);
  assert.equal(parseIsoDuration('P1DT12H'), 1.5 * D);
  assert.equal(parseIsoDuration('PT90M'), 90 * 60_000);
  assert.equal(parseIsoDuration('PT1.5S'), 1500);
  assert.equal(parseIsoDuration(' P1W2DT3H4M5S '), 9 * D + 3 * 3_600_000 + 4 * 60_000 + 5000);
});

test('refuses garbage, zero, calendar units and absurd lengths with VALIDATION_FAILED', () => {
  for (const bad of ['', 'P', 'PT', '30d', 'P30', 'P-1D', 'P0D', 'PT0S', 'P1Y', 'P1M', 'P1Y2D', 'P1DT', 'P1.5D', 'P99999999D', 'P1D; drop table']) {
    assert.throws(() => parseIsoDuration(bad, 'expiringWithin'), (e: any) => e.code === 'VALIDATION_FAILED' && e.message.startsWith('expiringWithin:'), bad);
  }
  assert.throws(() => parseIsoDuration('P1M'), /days instead/);
});

test('formats back to a parseable form', () => {
  for (const ms of [30 * D, 1.5 * D, 90 * 60_000, 5000, 9 * D + 3_600_000 + 5000]) {
    assert.equal(parseIsoDuration(formatIsoDuration(ms)), ms);
  }
  assert.equal(formatIsoDuration(30 * D), 'P30D');
  assert.equal(formatIsoDuration(0), 'PT0S');
});
