import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseStoreLocation } from './location.ts';

test('store urls name the dialect and place', () => {
  assert.deepEqual(parseStoreLocation(undefined, undefined), { dialect: 'sqlite', file: join('./data', 'gatehouse.db') });
  assert.deepEqual(parseStoreLocation('', '/var/lib/gh'), { dialect: 'sqlite', file: '/var/lib/gh/gatehouse.db' });
  assert.deepEqual(parseStoreLocation('sqlite::memory:', undefined), { dialect: 'sqlite', file: ':memory:' });
  assert.deepEqual(parseStoreLocation('sqlite:/tmp/a.db', undefined), { dialect: 'sqlite', file: '/tmp/a.db' });
  assert.deepEqual(parseStoreLocation('sqlite:///tmp/a.db', undefined), { dialect: 'sqlite', file: '/tmp/a.db' });
  assert.deepEqual(parseStoreLocation('sqlite:rel/a.db', undefined), { dialect: 'sqlite', file: 'rel/a.db' });
});

test('postgres urls: the schema comes from ?schema= or the option and is removed from the connection string', () => {
  assert.deepEqual(parseStoreLocation('postgres://u@h:5432/db?schema=gh_x&sslmode=disable', undefined), {
    dialect: 'postgres', connectionString: 'postgres://u@h:5432/db?sslmode=disable', schema: 'gh_x',
  });
  assert.deepEqual(parseStoreLocation('postgresql://u@h/db', undefined, 'other'), { dialect: 'postgres', connectionString: 'postgresql://u@h/db', schema: 'other' });
  assert.equal((parseStoreLocation('postgres://u@h/db', undefined) as { schema: string | null }).schema, null);
});

test('bad urls and schema names are VALIDATION_FAILED', () => {
  for (const url of ['mysql://h/db', 'sqlite:', 'postgres://h/db?schema=Robert"); drop', 'postgres://h/db?schema=1abc']) {
    assert.throws(() => parseStoreLocation(url, undefined), { code: 'VALIDATION_FAILED' }, url);
  }
});
