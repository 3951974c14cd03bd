import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSnapshot } from './compile.ts';
import { matchRoute } from './routes.ts';
import { builtInPolicyFactories } from '../policies/registry.ts';
import { TestWorld } from '../testing/world.ts';

const w = new TestWorld();
const env = w.env();
for (const base of ['/a', '/a/b', '/a/b/c/d', '/orders/v1', '/x.y']) w.api(env, base, 'http://127.0.0.1:9');
const snapshot = compileSnapshot(w.data(), builtInPolicyFactories);

const cases: Array<[path: string, base: string | null, rest?: string]> = [
  ['/a', '/a', ''],
  ['/a/', '/a', '/'],
  ['/a?x=1', '/a', '?x=1'],
  ['/a/x/y', '/a', '/x/y'],
  ['/ab', null],
  ['/a/b', '/a/b', ''],
  ['/a/bc', '/a', '/bc'],
  ['/a/b/c', '/a/b', '/c'],
  ['/a/b/c/d/e?q=/a', '/a/b/c/d', '/e?q=/a'],
  ['/a/b/c/dd', '/a/b', '/c/dd'],
  ['/orders/v1/items', '/orders/v1', '/items'],
  ['/orders/v10', null],
  ['/orders', null],
  ['/x.y/z', '/x.y', '/z'],
  ['/', null],
  ['/A', null],
];

for (const [path, base, rest] of cases) {
  test(`${path} → ${base ?? 'no route'}`, () => {
    const m = matchRoute(snapshot, path);
    if (base === null) return assert.equal(m, null);
    assert.equal(m?.api.api.basePath, base);
    assert.equal(m?.rest, rest);
  });
}

test('routes are listed longest first', () => {
  assert.deepEqual(snapshot.routeOrder, ['/orders/v1', '/a/b/c/d', '/a/b', '/x.y', '/a']);
});

test('an API at "/" catches what no other API does', () => {
  const w2 = new TestWorld();
  const e = w2.env();
  w2.api(e, '/', 'http://127.0.0.1:9');
  w2.api(e, '/a', 'http://127.0.0.1:9');
  const s = compileSnapshot(w2.data(), builtInPolicyFactories);
  assert.equal(matchRoute(s, '/ab')?.api.api.basePath, '/');
  assert.equal(matchRoute(s, '/ab')?.rest, '/ab');
  assert.equal(matchRoute(s, '/a/x')?.api.api.basePath, '/a');
  assert.equal(matchRoute(s, '/')?.rest, '/');
});
