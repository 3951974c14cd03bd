import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, isId } from './ids.ts';

test('ids carry their kind and sort by creation time', () => {
  const a = newId('app', 1_000);
  const b = newId('app', 2_000);
  assert.ok(isId('app', a));
  assert.ok(!isId('api', a), 'an app id is not an api id');
  assert.ok(a < b);
  assert.ok(!isId('app', 'app_../../etc'));
});
