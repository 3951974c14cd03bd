import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ManualClock } from '../core/clock.ts';
import { isGatehouseError } from '../core/errors.ts';
import type { Store } from '../core/ports/store.ts';
import { openStore } from '../store/index.ts';
import { listAll } from './context.ts';
import { SYSTEM_CALLER, createServices, type Services } from './index.ts';

/**
 * Check-then-insert races the services cannot close alone on PostgreSQL (two transactions both pass the check):
 * a second live contract for the same app and API, and nested base paths. N creates fire at once; exactly one
 * wins, the others get 409 with a stable code, and nothing of the losers is left (row or audit event).
 * Runs on SQLite (one writer at a time, so it must hold there too) and on PostgreSQL when GATEHOUSE_TEST_PG is set.
 */
const N = 6;

function raceSuite(name: string, open: () => Promise<Store>, cleanup: () => Promise<void> = async () => {}) {
  describe(`concurrent creates on ${name}`, () => {
    let store: Store;
    let services: Services;
    let envId: string;
    before(async () => {
      store = await open();
      services = createServices({ store, clock: new ManualClock(Date.parse('2026-11-27T08:00:00Z')) });
      const local = await services.providers.create(SYSTEM_CALLER, { name: `local-${randomBytes(3).toString('hex')}`, kind: 'local' });
      envId = (await services.environments.create(SYSTEM_CALLER, { name: `race-${randomBytes(3).toString('hex')}`, defaultProviderId: local.id, providerIds: [local.id] })).id;
    });
    after(async () => {
      await store?.close();
      await cleanup();
    });

    const outcomes = async <T>(attempts: Promise<T>[]) => {
      const settled = await Promise.allSettled(attempts);
      const won = settled.filter((s): s is PromiseFulfilledResult<Awaited<T>> => s.status === 'fulfilled').map((s) => s.value);
      const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
      return { won, lost };
    };

    test(`${N} simultaneous requests for the same app and API: one live contract, the rest 409 CONFLICT`, async () => {
      const api = await services.apis.create(SYSTEM_CALLER, {
        environmentId: envId, name: `c${randomBytes(3).toString('hex')}`, version: 'v1', basePath: `/c-${randomBytes(4).toString('hex')}`,
        upstreamUrl: 'http://127.0.0.1:9', policies: [{ type: 'client-id', config: {} }],
      });
      const tier = await services.tiers.create(SYSTEM_CALLER, api.id, { name: 'gold', limit: { requests: 10, windowSeconds: 60 }, approval: 'manual' });
      const app = await services.apps.create(SYSTEM_CALLER, { environmentId: envId, name: `app-${randomBytes(3).toString('hex')}` });

      const { won, lost } = await outcomes(Array.from({ length: N }, () =>
        services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id })));

      assert.equal(won.length, 1, 'exactly one request wins');
      assert.equal(lost.length, N - 1);
      for (const e of lost) {
        assert.ok(isGatehouseError(e), String(e));
        assert.equal(e.code, 'CONFLICT');
        assert.equal(e.status, 409);
      }
      const stored = await listAll((p) => store.contracts.list({ appId: app.id, apiId: api.id }, p));
      assert.deepEqual(stored.map((c) => c.id), [won[0]!.id], 'no row of a losing request');
      const events = await listAll((p) => store.audit.list({ type: 'contract.requested' }, p));
      assert.deepEqual(events.filter((e) => stored.some((c) => c.id === e.entityId) || (e.after as { appId?: string } | null)?.appId === app.id).map((e) => e.entityId), [won[0]!.id]);
      assert.equal((await store.audit.verify()).ok, true);

      // A finished contract frees the pair again.
      await services.contracts.decide(SYSTEM_CALLER, won[0]!.id, 'reject');
      const again = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tier.id });
      assert.equal(again.state, 'requested');
    });

    test(`${N} simultaneous APIs with nested base paths: one is created, the rest 409 BASE_PATH_CONFLICT`, async () => {
      const root = `/n-${randomBytes(4).toString('hex')}`;
      // Every path nests in or contains every other: /root, /root/v1, /root/v1/v2, ...
      const paths = Array.from({ length: N }, (_, i) => root + Array.from({ length: i }, (_, j) => `/v${j + 1}`).join(''));
      const { won, lost } = await outcomes(paths.map((basePath, i) => services.apis.create(SYSTEM_CALLER, {
        environmentId: envId, name: `nested-${i}-${randomBytes(2).toString('hex')}`, version: 'v1', basePath,
        upstreamUrl: 'http://127.0.0.1:9', policies: [{ type: 'client-id', config: {} }],
      })));

      assert.equal(won.length, 1, 'exactly one API wins');
      for (const e of lost) {
        assert.ok(isGatehouseError(e), String(e));
        assert.equal(e.code, 'BASE_PATH_CONFLICT');
        assert.equal(e.status, 409);
        assert.equal(e.extras.field, 'basePath');
      }
      const stored = (await listAll((p) => store.apis.list({}, p))).filter((a) => a.basePath === root || a.basePath.startsWith(root + '/'));
      assert.deepEqual(stored.map((a) => a.id), [won[0]!.id], 'no row of a losing create');
      const events = (await listAll((p) => store.audit.list({ type: 'api.created' }, p)))
        .filter((e) => String((e.after as { basePath?: string } | null)?.basePath ?? '').startsWith(root));
      assert.deepEqual(events.map((e) => e.entityId), [won[0]!.id]);
      assert.equal((await store.audit.verify()).ok, true);
    });

    test('a nested base path in another environment is refused too (one gateway serves them all)', async () => {
      const root = `/g-${randomBytes(4).toString('hex')}`;
      const other = (await services.environments.create(SYSTEM_CALLER, { name: `other-${randomBytes(3).toString('hex')}` })).id;
      const create = (environmentId: string, basePath: string) => services.apis.create(SYSTEM_CALLER, {
        environmentId, name: `g-${randomBytes(3).toString('hex')}`, version: 'v1', basePath, upstreamUrl: 'http://127.0.0.1:9',
        policies: [{ type: 'client-id', config: {} }],
      });
      const { won, lost } = await outcomes([create(envId, root), create(other, `${root}/inner`)]);
      assert.equal(won.length, 1);
      assert.ok(isGatehouseError(lost[0]) && lost[0].code === 'BASE_PATH_CONFLICT', String(lost[0]));
      // A sibling that shares characters but not a segment is fine.
      await create(other, `${root}-sibling`);
    });
  });
}

raceSuite('SQLite', () => openStore({ url: 'sqlite::memory:' }));

const pgUrl = process.env.GATEHOUSE_TEST_PG;
if (!pgUrl) {
  test('concurrent creates on PostgreSQL', { skip: 'set GATEHOUSE_TEST_PG to run' }, () => {});
} else {
  const schema = `gh_race_${randomBytes(6).toString('hex')}`;
  raceSuite('PostgreSQL', () => openStore({ url: pgUrl, schema }), async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });
}
