import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../core/ports/store.ts';
import * as f from './fixtures.ts';

/** credentials/apiTokens.recordLastUse: keep the newest observation (and its source), without moving the change counter. */
export function lastUseSuite(store: () => Store): void {
  test('raises lastUsedAt only forwards, records the source, ignores unknown ids', async () => {
    const row = f.credential();
    await store().transaction((tx) => tx.credentials.insert(row));
    assert.equal(await store().credentials.recordLastUse([{ credentialId: row.id, lastUsedAt: 1_000, source: 'idp' }]), 1);
    assert.deepEqual(await store().credentials.get(row.id), { ...row, lastUsedAt: 1_000, lastUsedSource: 'idp' });

    assert.equal(await store().credentials.recordLastUse([{ credentialId: row.id, lastUsedAt: 500, source: 'gateway' }]), 0, 'older: ignored');
    assert.equal(await store().credentials.recordLastUse([{ credentialId: row.id, lastUsedAt: 1_000, source: 'gateway' }]), 0, 'same time: kept');
    assert.equal(await store().credentials.recordLastUse([
      { credentialId: row.id, lastUsedAt: 3_000, source: 'gateway' },
      { credentialId: row.id, lastUsedAt: 2_000, source: 'idp' },
      { credentialId: 'crd_00000000000000000000000000', lastUsedAt: 9_000, source: 'idp' },
    ]), 1, 'the newest of a batch wins; an unknown id changes nothing');
    const after = await store().credentials.get(row.id);
    assert.equal(after!.lastUsedAt, 3_000);
    assert.equal(after!.lastUsedSource, 'gateway');
    assert.equal(await store().credentials.recordLastUse([]), 0);
  });

  test('outside a transaction it does not move the change counter (the gateway snapshot does not depend on it)', async () => {
    const row = f.credential();
    await store().transaction((tx) => tx.credentials.insert(row));
    const before = await store().changeCounter();
    await store().credentials.recordLastUse([{ credentialId: row.id, lastUsedAt: 42, source: 'idp' }]);
    assert.equal(await store().changeCounter(), before);
    await store().transaction((tx) => tx.credentials.recordLastUse([{ credentialId: row.id, lastUsedAt: 43, source: 'idp' }]));
    assert.equal((await store().credentials.get(row.id))!.lastUsedAt, 43, 'works inside a transaction too');
  });

  test('API tokens: last use only moves forward, outside the change counter', async () => {
    const token = f.apiToken();
    await store().transaction((tx) => tx.apiTokens.insert(token));
    const before = await store().changeCounter();
    assert.equal(await store().apiTokens.recordLastUse(token.id, 2_000), true);
    assert.equal(await store().apiTokens.recordLastUse(token.id, 1_000), false, 'older: ignored');
    assert.equal(await store().apiTokens.recordLastUse('tok_00000000000000000000000000', 9_000), false, 'unknown id');
    assert.equal((await store().apiTokens.get(token.id))!.lastUsedAt, 2_000);
    assert.equal(await store().changeCounter(), before);
  });
}
