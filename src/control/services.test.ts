import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ManualClock } from '../core/clock.ts';
import { GatehouseError } from '../core/errors.ts';
import type { Store } from '../core/ports/store.ts';
import { openStore } from '../store/index.ts';
import { SYSTEM_CALLER, authenticateToken, createServices, ensureBootstrapToken, type Caller, type Services } from './index.ts';

const HOUR = 3_600_000;

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (e: unknown) => e instanceof GatehouseError && e.code === code);
}

async function auditTypes(store: Store): Promise<string[]> {
  return (await store.audit.list({}, { limit: 500 })).items.map((e) => e.type);
}

/** Runs on SQLite always, and on PostgreSQL (a throw-away schema) when GATEHOUSE_TEST_PG is set. */
const pgUrl = process.env.GATEHOUSE_TEST_PG;
const pgSchema = `gh_test_${randomBytes(6).toString('hex')}`;
serviceSuite('sqlite', (clock) => openStore({ url: 'sqlite::memory:', clock }));
if (pgUrl) {
  const u = new URL(pgUrl);
  u.searchParams.set('schema', pgSchema);
  serviceSuite('postgres', (clock) => openStore({ url: u.toString(), clock }), async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`drop schema if exists "${pgSchema}" cascade`);
    await client.end();
  });
} else {
  test('control services on PostgreSQL', { skip: 'set GATEHOUSE_TEST_PG to run' }, () => {});
}

function serviceSuite(label: string, open: (clock: ManualClock) => Promise<Store>, cleanup?: () => Promise<void>) {
  describe(`control services (${label})`, () => {
    let store: Store;
    let clock: ManualClock;
    let s: Services;
    const admin: Caller = { actor: 'tok_admin', role: 'admin', subject: 'root' };

    before(async () => {
      clock = new ManualClock(Date.UTC(2026, 10, 27));
      store = await open(clock);
      s = createServices({ store, clock });
    });
    after(async () => {
      await store.close();
      await cleanup?.();
    });

    async function world(suffix: string) {
      const provider = await s.providers.create(admin, { name: `local-${suffix}`, kind: 'local' });
      const env = await s.environments.create(admin, { name: `env-${suffix}`, defaultProviderId: provider.id });
      const api = await s.apis.create(admin, { environmentId: env.id, name: 'orders', version: 'v1', basePath: `/${suffix}/orders`, upstreamUrl: 'http://127.0.0.1:1' });
      const auto = await s.tiers.create(admin, api.id, { name: 'free', limit: { requests: 1, windowSeconds: 1 }, approval: 'auto' });
      const manual = await s.tiers.create(admin, api.id, { name: 'gold', limit: { requests: 9, windowSeconds: 1 } });
      const app = await s.apps.create(admin, { environmentId: env.id, name: 'app' });
      return { provider, env, api, auto, manual, app };
    }

    test('each write appends one audit event with actor, before and after; a no-op update writes nothing', async () => {
      const start = (await auditTypes(store)).length;
      const env = await s.environments.create(admin, { name: 'audited' });
      const updated = await s.environments.update(admin, env.id, { description: 'now described' });
      const counter = await store.changeCounter();
      const same = await s.environments.update(admin, env.id, { description: 'now described' });
      assert.deepEqual(same, updated);
      assert.equal(await store.changeCounter(), counter, 'no-op update commits nothing');
      const events = (await store.audit.list({ entityId: env.id }, {})).items;
      assert.deepEqual(events.map((e) => [e.type, e.actor]), [['environment.created', 'tok_admin'], ['environment.updated', 'tok_admin']]);
      assert.equal(events[0]!.before, null);
      assert.deepEqual(events[1]!.before, env);
      assert.deepEqual(events[1]!.after, updated);
      assert.equal((await auditTypes(store)).length, start + 2);
    });

    test('new APIs get the client-id policy by default', async () => {
      const w = await world('defaults');
      assert.deepEqual(w.api.policies, [{ type: 'client-id', config: {} }]);
      assert.match(w.app.clientId!, /^cli_[a-z2-7]{24}$/);
      assert.deepEqual(w.env.settings, { credentialLifetimeDays: 180, alertThresholdsDays: [60, 30, 14, 7, 1] });
    });

    test('an auto tier approves at once: requested then approved (actor system), in one transaction', async () => {
      const w = await world('auto');
      const contract = await s.contracts.request(admin, { appId: w.app.id, apiId: w.api.id, tierId: w.auto.id });
      assert.equal(contract.state, 'approved');
      const events = (await store.audit.list({ entityId: contract.id }, {})).items;
      assert.deepEqual(events.map((e) => [e.type, e.actor]), [['contract.requested', 'tok_admin'], ['contract.approved', 'system']]);
    });

    test('deleting an app revokes approved contracts, rejects requested ones, removes credentials, each audited', async () => {
      const w = await world('cascade');
      const approved = await s.contracts.request(admin, { appId: w.app.id, apiId: w.api.id, tierId: w.auto.id });
      const other = await s.apis.create(admin, { environmentId: w.env.id, name: 'other', version: 'v1', basePath: '/cascade/other', upstreamUrl: 'http://127.0.0.1:1' });
      const otherTier = await s.tiers.create(admin, other.id, { name: 't', limit: { requests: 1, windowSeconds: 1 } });
      const requested = await s.contracts.request(admin, { appId: w.app.id, apiId: other.id, tierId: otherTier.id });
      const { credential } = await s.credentials.issue(admin, w.app.id);
      await s.apps.delete(admin, w.app.id);
      assert.equal((await store.contracts.get(approved.id))?.state, 'revoked');
      assert.equal((await store.contracts.get(requested.id))?.state, 'rejected');
      const removed = await store.credentials.get(credential.id);
      assert.equal(removed?.state, 'removed');
      assert.equal(removed?.removedAt, clock.now());
      assert.equal(await store.apps.get(w.app.id), null);
      const types = (await store.audit.list({}, { limit: 500 })).items.slice(-4).map((e) => e.type);
      // contracts go in id order (same millisecond here), then credentials, then the app
      assert.deepEqual([...types.slice(0, 2)].sort(), ['contract.rejected', 'contract.revoked']);
      assert.deepEqual(types.slice(2), ['credential.removed', 'app.deleted']);
    });

    test('deleting an API takes its tiers and finished contracts; live contracts block it', async () => {
      const w = await world('apidel');
      const c = await s.contracts.request(admin, { appId: w.app.id, apiId: w.api.id, tierId: w.manual.id });
      await rejectsWith(s.apis.delete(admin, w.api.id), 'CONFLICT');
      await s.contracts.decide(admin, c.id, 'reject', 'no');
      await s.apis.delete(admin, w.api.id);
      assert.equal(await store.tiers.get(w.auto.id), null);
      assert.equal(await store.contracts.get(c.id), null);
    });

    test('environment provider changes may not strand APIs or apps', async () => {
      const w = await world('strand');
      const spare = await s.providers.create(admin, { name: 'spare', kind: 'local' });
      await rejectsWith(s.environments.update(admin, w.env.id, { defaultProviderId: spare.id }), 'PROVIDER_IN_USE');
      await rejectsWith(s.providers.delete(admin, w.provider.id), 'PROVIDER_IN_USE');
      await s.environments.update(admin, w.env.id, { providerIds: [w.provider.id, spare.id] });
      await s.providers.update(admin, spare.id, { name: 'spare-2' });
      await rejectsWith(s.providers.update(admin, spare.id, { config: { tenant: 'x' } }), 'VALIDATION_FAILED');
    });

    test('a write whose audit append fails leaves nothing behind', async () => {
      const failing: Store = {
        ...store,
        dialect: store.dialect,
        transaction: (fn) => store.transaction((tx) => fn({ ...tx, audit: { ...tx.audit, append: async () => { throw new Error('disk full'); } } })),
      };
      const broken = createServices({ store: failing, clock });
      await assert.rejects(broken.environments.create(admin, { name: 'half-written' }), /disk full/);
      assert.deepEqual((await store.environments.list({ name: 'half-written' })).items, []);
    });
  });

}

describe('API tokens', () => {
  test('bootstrap: one 24 h admin token when no usable admin token exists, else null', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 27));
    const store = await openStore({ url: 'sqlite::memory:', clock });
    try {
      const first = await ensureBootstrapToken(store, clock);
      assert.match(first!, /^gh_/);
      assert.equal(await ensureBootstrapToken(store, clock), null);
      const token = await authenticateToken(store, first!, clock);
      assert.equal(token.role, 'admin');
      assert.equal(token.name, 'bootstrap');
      assert.equal(token.expiresAt, clock.now() + 24 * HOUR);
      const events = (await store.audit.list({ entityId: token.id }, {})).items;
      assert.deepEqual(events.map((e) => [e.type, e.actor]), [['token.created', 'bootstrap']]);
      assert.ok(!JSON.stringify(events).includes(first!));

      clock.advance(24 * HOUR);
      await rejectsWith(authenticateToken(store, first!, clock), 'TOKEN_EXPIRED');
      const second = await ensureBootstrapToken(store, clock);
      assert.ok(second && second !== first);

      const s = createServices({ store, clock });
      const revokedId = (await authenticateToken(store, second, clock)).id;
      await s.tokens.revoke(SYSTEM_CALLER, revokedId);
      await rejectsWith(authenticateToken(store, second, clock), 'TOKEN_REVOKED');
      const third = await ensureBootstrapToken(store, clock);
      assert.ok(third);
      const viewer = await s.tokens.create(SYSTEM_CALLER, { name: 'v', role: 'viewer' });
      assert.equal((await authenticateToken(store, viewer.secret, clock)).role, 'viewer');
      await rejectsWith(authenticateToken(store, 'gh_unknown', clock), 'UNAUTHENTICATED');
      await rejectsWith(authenticateToken(store, viewer.secret.slice(3), clock), 'UNAUTHENTICATED');
    } finally {
      await store.close();
    }
  });
});
