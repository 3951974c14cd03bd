import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runStoreContractSuite } from './contract-suite.ts';
import { environment } from './contract/fixtures.ts';
import { openStore } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

runStoreContractSuite('sqlite in memory', () => openStore({ url: 'sqlite::memory:' }));
runStoreContractSuite('sqlite file', () => openStore({ url: `sqlite:${join(dir, 'suite.db')}` }));

describe('sqlite locations', () => {
  test('no url opens ${dataDir}/gatehouse.db, creating the folder; reopening keeps the data', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const env = environment();
    const first = await openStore({ dataDir });
    assert.equal(first.dialect, 'sqlite');
    await first.transaction((tx) => tx.environments.insert(env));
    await first.close();
    assert.ok(existsSync(join(dataDir, 'gatehouse.db')));
    const second = await openStore({ dataDir });
    assert.deepEqual(await second.environments.get(env.id), env);
    assert.equal(await second.changeCounter(), 1);
    await second.close();
  });

  test('a bad url is VALIDATION_FAILED without echoing it', async () => {
    await assert.rejects(openStore({ url: 'mysql://root:hunter2@db/x' }), (e: any) => e.code === 'VALIDATION_FAILED' && !String(e.message).includes('hunter2'));
    await assert.rejects(openStore({ url: 'sqlite:' }), { code: 'VALIDATION_FAILED' });
    await assert.rejects(openStore({ url: 'postgres://u:hunter2@127.0.0.1/x?schema=Bad;drop' }), (e: any) => e.code === 'VALIDATION_FAILED' && !String(e.message).includes('hunter2'));
  });
});
