import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { runStoreContractSuite } from './contract-suite.ts';
import { openStore } from './index.ts';

const url = process.env.GATEHOUSE_TEST_PG;

if (!url) {
  test('PostgreSQL store contract', { skip: 'set GATEHOUSE_TEST_PG to run' }, () => {});
} else {
  // Test files run in parallel: each run gets its own schema, dropped at the end.
  const schema = `gh_test_${randomBytes(6).toString('hex')}`;
  const withSchema = (name: string) => {
    const u = new URL(url);
    u.searchParams.set('schema', name);
    return u.toString();
  };
  after(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  runStoreContractSuite('postgres', () => openStore({ url: withSchema(schema) }));

  describe('postgres specifics', () => {
    test('a schema migrates while another schema of the same database already holds migrated tables', async () => {
      // Kysely's migrator finds its bookkeeping tables in any schema unless told which one; a second deployment (or
      // a parallel test) in another schema made it skip creating its own and then fail to read them.
      const other = `gh_test_other_${randomBytes(6).toString('hex')}`;
      const first = await openStore({ url, schema });
      const second = await openStore({ url, schema: other }).finally(() => first.close());
      try {
        assert.equal(typeof (await second.changeCounter()), 'number');
      } finally {
        await second.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists "${other}" cascade`);
        await client.end();
      }
    });

    test('bigint columns come back as numbers and a second open of the same schema is a no-op migration', async () => {
      const store = await openStore({ url, schema }); // the option names the same schema as ?schema=
      try {
        assert.equal(store.dialect, 'postgres');
        assert.equal(typeof (await store.changeCounter()), 'number');
        await store.usage.addRollups([{ minute: 2 ** 41, apiId: 'api_big', appId: null, statusClass: '2xx', count: 1, latencySumMs: 2.5, latencyMaxMs: 2.5 }]);
        const [row] = (await store.usage.rollups({ apiId: 'api_big' })).items;
        assert.deepEqual(row, { minute: 2 ** 41, apiId: 'api_big', appId: null, statusClass: '2xx', count: 1, latencySumMs: 2.5, latencyMaxMs: 2.5 });
      } finally {
        await store.close();
      }
    });

    test('an unreachable server is STORE_UNAVAILABLE, without the password', async () => {
      const u = new URL(url);
      u.password = 'hunter2';
      u.port = '1';
      await assert.rejects(openStore({ url: u.toString() }), (e: any) => e.code === 'STORE_UNAVAILABLE' && !String(e.message).includes('hunter2'));
    });
  });
}
