import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cell, renderRecord, renderTable } from './table.ts';

test('cells: null, empty and arrays render readably; whitespace cannot break a row', () => {
  assert.equal(cell(null), '-');
  assert.equal(cell(undefined), '-');
  assert.equal(cell(''), '-');
  assert.equal(cell([]), '-');
  assert.equal(cell(['a', 'b']), 'a,b');
  assert.equal(cell({ a: 1 }), '{"a":1}');
  assert.equal(cell('two\nlines\tand tab'), 'two lines and tab');
  assert.equal(cell(0), '0');
});

test('tables align columns under upper-case headers and drop trailing spaces', () => {
  const out = renderTable(
    [{ id: 'env_1', name: 'sandbox' }, { id: 'env_22', name: null }],
    [{ header: 'id', value: (r) => r.id }, { header: 'name', value: (r) => r.name }],
  );
  assert.equal(out, 'ID      NAME\nenv_1   sandbox\nenv_22  -\n');
});

test('an empty list says so', () => {
  assert.equal(renderTable([], [{ header: 'id', value: () => 'x' }]), '(none)\n');
});

test('records align keys', () => {
  assert.equal(renderRecord({ id: 'a', longer: ['x'], none: null }), 'id:     a\nlonger: x\nnone:   -\n');
});
