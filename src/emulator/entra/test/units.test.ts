import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilter } from '../graph/odata-filter.ts';
import { isoDurationMs } from '../directory/policies.ts';
import { generateClientSecret } from '../directory/secrets.ts';
import { Faults } from '../faults/faults.ts';
import { validateFaultConfig } from '../faults/config.ts';
import { DirectoryError } from '../directory/errors.ts';

describe('units', () => {
  const items = [
    { displayName: 'Orders API', appId: 'a1', tags: ['x', 'y'], createdDateTime: '2026-01-02T00:00:00Z', web: { homePageUrl: null }, targetResources: [{ id: 't1' }] },
    { displayName: "O'Brien", appId: 'b2', tags: [], createdDateTime: '2026-03-01T00:00:00Z', web: { homePageUrl: 'https://h' }, targetResources: [] },
  ];
  const run = (f: string, advanced = false) => items.filter(compileFilter(f, advanced)).map((i) => i.appId);

  test('$filter clauses', () => {
    assert.deepEqual(run("appId eq 'a1'"), ['a1']);
    assert.deepEqual(run("displayName eq 'orders api'"), ['a1'], 'case-insensitive');
    assert.deepEqual(run("displayName eq 'O''Brien'"), ['b2'], 'escaped quote');
    assert.deepEqual(run("startswith(displayName,'ord')"), ['a1']);
    assert.deepEqual(run("appId in ('a1', 'b2')"), ['a1', 'b2']);
    assert.deepEqual(run("tags/any(t:t eq 'y')"), ['a1']);
    assert.deepEqual(run("targetResources/any(t: t/id eq 't1')"), ['a1']);
    assert.deepEqual(run("appId eq 'a1' or appId eq 'b2'"), ['a1', 'b2']);
    assert.deepEqual(run("appId eq 'a1' and startswith(displayName,'x')"), []);
    assert.deepEqual(run('createdDateTime ge 2026-02-01T00:00:00Z'), ['b2']);
    assert.deepEqual(run('web/homePageUrl eq null'), ['a1']);
    assert.deepEqual(run("displayName eq 'x and y'"), [], 'and inside quotes is not an operator');
  });

  test('advanced and unknown $filter syntax is refused with Request_UnsupportedQuery', () => {
    for (const f of ["appId ne 'a1'", "endswith(displayName,'api')", 'contains(displayName,1)', "appId eq"]) {
      assert.throws(() => compileFilter(f, false), (e: unknown) => e instanceof DirectoryError && e.code === 'Request_UnsupportedQuery', f);
    }
    assert.deepEqual(run("appId ne 'a1'", true), ['b2']);
  });

  test('ISO-8601 durations', () => {
    assert.equal(isoDurationMs('P90D'), 90 * 86_400_000);
    assert.equal(isoDurationMs('PT12H'), 12 * 3_600_000);
    assert.equal(isoDurationMs('P1Y'), 365 * 86_400_000);
    assert.throws(() => isoDurationMs('90 days'));
    assert.throws(() => isoDurationMs('P'));
  });

  test('client secrets have the Entra format', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const s = generateClientSecret();
      assert.match(s, /^[A-Za-z0-9]{3}8Q~[A-Za-z0-9._~-]{34}$/);
      seen.add(s);
    }
    assert.equal(seen.size, 50);
  });

  test('fault config validation and the RU budget window', () => {
    assert.throws(() => validateFaultConfig({ failRate5xx: 2 }));
    assert.throws(() => validateFaultConfig({ throttle: { ruPerWindow: 1 } }));
    assert.throws(() => validateFaultConfig({ scope: ['admin'] }));
    assert.throws(() => validateFaultConfig([]));
    const faults = new Faults();
    faults.set({ throttle: { ruPerWindow: 2, windowMs: 1000 } });
    assert.ok(!('retryAfterSeconds' in faults.charge('k', 2, 0)));
    const over = faults.charge('k', 1, 100);
    assert.ok('retryAfterSeconds' in over && over.retryAfterSeconds === 1);
    assert.ok(!('retryAfterSeconds' in faults.charge('other', 1, 100)), 'budgets are per key');
    assert.ok(!('retryAfterSeconds' in faults.charge('k', 1, 1000)), 'a new window starts');
  });
});
