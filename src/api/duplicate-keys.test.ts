import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDuplicateKey } from './duplicate-keys.ts';

test('finds repeated keys at any depth, with their path', () => {
  assert.equal(findDuplicateKey('{"a":1,"b":2}'), null);
  assert.equal(findDuplicateKey('{"a":1,"a":2}'), 'a');
  assert.equal(findDuplicateKey('{"a":{"b":1,"c":{"d":1,"d":2}}}'), 'a.c.d');
  assert.equal(findDuplicateKey('{"p":[{"x":1},{"y":1,"y":2}]}'), 'p.1.y');
  assert.equal(findDuplicateKey('{"p":[[1,2],{"y":1}],"q":{"y":1,"y":1}}'), 'q.y');
});

test('the same key in sibling objects is not a duplicate', () => {
  assert.equal(findDuplicateKey('{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]}'), null);
});

test('strings that look like keys or structure are not confused for them', () => {
  assert.equal(findDuplicateKey('{"a":"\\"a\\":{","b":"}]","c":["a","a"]}'), null);
  assert.equal(findDuplicateKey('{"a":"x:y", "b": "a"}'), null);
});

test('escaped spellings of the same key are the same key', () => {
  assert.equal(findDuplicateKey('{"role":"viewer","r\\u006fle":"admin"}'), 'role');
});
