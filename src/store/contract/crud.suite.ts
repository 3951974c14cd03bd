import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../core/ports/store.ts';
import { ENTITY_CASES, type EntityCase } from './cases.ts';
import { assertCode } from './assertions.ts';

/** Insert / get / update / delete / list with paging, for every writable repository. */
export function crudSuite(store: () => Store): void {
  for (const c of ENTITY_CASES) describe(c.name, () => entityTests(store, c));
}

function entityTests(store: () => Store, c: EntityCase): void {
  test('insert then get returns the same row; unknown id gives null', async () => {
    const row = c.make();
    await store().transaction((tx) => c.repo(tx).insert(row));
    assert.deepEqual(await c.repo(store()).get(row.id), row);
    assert.equal(await c.repo(store()).get(`${row.id.split('_')[0]}_00000000000000000000000000`), null);
  });

  test('update replaces the whole row; a missing id is NOT_FOUND', async () => {
    const row = c.make();
    await store().transaction((tx) => c.repo(tx).insert(row));
    const changed = c.change(row);
    await store().transaction((tx) => c.repo(tx).update(changed));
    assert.deepEqual(await c.repo(store()).get(row.id), changed);
    await assertCode(store().transaction((tx) => c.repo(tx).update(c.make())), 'NOT_FOUND');
  });

  test('delete removes the row; deleting a missing id is NOT_FOUND', async () => {
    const row = c.make();
    await store().transaction((tx) => c.repo(tx).insert(row));
    await store().transaction((tx) => c.repo(tx).delete(row.id));
    assert.equal(await c.repo(store()).get(row.id), null);
    await assertCode(store().transaction((tx) => c.repo(tx).delete(row.id)), 'NOT_FOUND');
  });

  test('inserting an id twice is a CONFLICT, not a driver error', async () => {
    const row = c.make();
    await store().transaction((tx) => c.repo(tx).insert(row));
    const again = c.make({ id: row.id });
    await assertCode(store().transaction((tx) => c.repo(tx).insert(again)), 'CONFLICT');
  });

  test('list pages by id with a cursor; the last page has nextCursor null', async () => {
    const group = c.group?.() ?? { over: {}, filter: {} };
    const rows = Array.from({ length: 7 }, () => c.make(group.over));
    await store().transaction(async (tx) => {
      for (const r of rows) await c.repo(tx).insert(r);
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await c.repo(store()).list(group.filter, { limit: 3, cursor });
      assert.ok(page.items.length <= 3);
      if (page.nextCursor !== null) assert.equal(page.items.length, 3);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10_000);
    assert.deepEqual(seen, [...seen].sort(), 'ordered by id');
    assert.equal(new Set(seen).size, seen.length, 'no row twice');
    for (const r of rows) assert.ok(seen.includes(r.id), `row ${r.id} listed`);
    if (c.group) {
      assert.equal(pages, 3);
      assert.deepEqual(seen, rows.map((r) => r.id).sort());
    }
  });
}
