import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../../core/ports/store.ts';
import * as f from './fixtures.ts';

/** Every filter field of the port, each shown to include what matches and exclude what does not. */
export function filtersSuite(store: () => Store): void {
  const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id).sort();

  test('environments filter by name', async () => {
    const [a, b] = [f.environment(), f.environment()];
    await store().transaction(async (tx) => {
      await tx.environments.insert(a);
      await tx.environments.insert(b);
    });
    assert.deepEqual(ids(await store().environments.list({ name: a.name })), [a.id]);
  });

  test('providers filter by kind and name', async () => {
    const name = f.unique('p');
    const [a, b] = [f.provider({ name, kind: 'local' }), f.provider({ kind: 'entra' })];
    await store().transaction(async (tx) => {
      await tx.providers.insert(a);
      await tx.providers.insert(b);
    });
    assert.deepEqual(ids(await store().providers.list({ name })), [a.id]);
    assert.deepEqual(ids(await store().providers.list({ name, kind: 'entra' })), []);
    const local = await store().providers.list({ kind: 'local' }, { limit: 500 });
    assert.ok(local.items.every((p) => p.kind === 'local') && local.items.some((p) => p.id === a.id));
  });

  test('apis filter by environmentId and providerId; policies keep their order', async () => {
    const environmentId = f.unique('env');
    const providerId = f.unique('prv');
    const [a, b, c] = [f.api({ environmentId, providerId }), f.api({ environmentId }), f.api({ providerId })];
    await store().transaction(async (tx) => {
      for (const x of [a, b, c]) await tx.apis.insert(x);
    });
    assert.deepEqual(ids(await store().apis.list({ environmentId })), [a.id, b.id].sort());
    assert.deepEqual(ids(await store().apis.list({ providerId })), [a.id, c.id].sort());
    assert.deepEqual(ids(await store().apis.list({ environmentId, providerId })), [a.id]);
    assert.deepEqual(ids(await store().apis.list({ environmentId, name: b.name })), [b.id], 'by exact name');
    assert.deepEqual((await store().apis.get(a.id))?.policies.map((p) => p.type), ['jwt', 'rate-limit', 'cors']);
  });

  test('tiers filter by apiId', async () => {
    const apiId = f.unique('api');
    const [a, b] = [f.tier({ apiId }), f.tier()];
    await store().transaction(async (tx) => {
      await tx.tiers.insert(a);
      await tx.tiers.insert(b);
    });
    assert.deepEqual(ids(await store().tiers.list({ apiId })), [a.id]);
  });

  test('apps filter by environmentId, ownerSubject, clientId and providerId', async () => {
    const environmentId = f.unique('env');
    const ownerSubject = f.unique('sub');
    const providerId = f.unique('prv');
    const clientId = f.unique('client');
    const a = f.app({ environmentId, ownerSubject, clientId, providerId });
    const b = f.app({ environmentId, ownerSubject });
    const c = f.app({ environmentId });
    await store().transaction(async (tx) => {
      for (const x of [a, b, c]) await tx.apps.insert(x);
    });
    assert.deepEqual(ids(await store().apps.list({ environmentId })), [a.id, b.id, c.id].sort());
    assert.deepEqual(ids(await store().apps.list({ ownerSubject })), [a.id, b.id].sort());
    assert.deepEqual(ids(await store().apps.list({ environmentId, name: c.name })), [c.id], 'by exact name');
    assert.deepEqual(ids(await store().apps.list({ clientId })), [a.id]);
    assert.deepEqual(ids(await store().apps.list({ providerId })), [a.id]);
  });

  test('contracts filter by appId, apiId, tierId, state and the owning subject of the app', async () => {
    const mine = f.app({ ownerSubject: f.unique('sub') });
    const other = f.app({ ownerSubject: f.unique('sub') });
    const apiId = f.unique('api');
    const tierId = f.unique('tier');
    const a = f.contract({ appId: mine.id, apiId, tierId, state: 'approved' });
    const b = f.contract({ appId: mine.id, apiId, state: 'revoked' }); // one live contract per (app, API): see 003
    const c = f.contract({ appId: other.id, apiId, tierId, state: 'approved' });
    await store().transaction(async (tx) => {
      await tx.apps.insert(mine);
      await tx.apps.insert(other);
      for (const x of [a, b, c]) await tx.contracts.insert(x);
    });
    assert.deepEqual(ids(await store().contracts.list({ appId: mine.id })), [a.id, b.id].sort());
    assert.deepEqual(ids(await store().contracts.list({ apiId })), [a.id, b.id, c.id].sort());
    assert.deepEqual(ids(await store().contracts.list({ tierId })), [a.id, c.id].sort());
    assert.deepEqual(ids(await store().contracts.list({ apiId, state: 'approved' })), [a.id, c.id].sort());
    assert.deepEqual(ids(await store().contracts.list({ ownerSubject: mine.ownerSubject! })), [a.id, b.id].sort());
    assert.deepEqual(ids(await store().contracts.list({ ownerSubject: other.ownerSubject!, state: 'approved' })), [c.id]);
    const page = await store().contracts.list({ ownerSubject: mine.ownerSubject! }, { limit: 1 });
    assert.deepEqual(Object.keys(page.items[0]!).sort(), Object.keys(a).sort(), 'only contract fields, not the joined app');
  });

  test('credentials filter by owner, states and expiresBefore (inclusive; no expiry never matches)', async () => {
    const ownerId = f.unique('owner');
    const a = f.credential({ ownerId, state: 'active', expiresAt: 1000 });
    const b = f.credential({ ownerId, state: 'retiring', expiresAt: 2000 });
    const c = f.credential({ ownerId, state: 'removed', expiresAt: null });
    const d = f.credential({ ownerId, ownerType: 'provider', state: 'active', expiresAt: 3000 });
    await store().transaction(async (tx) => {
      for (const x of [a, b, c, d]) await tx.credentials.insert(x);
    });
    assert.deepEqual(ids(await store().credentials.list({ ownerId })), [a.id, b.id, c.id, d.id].sort());
    assert.deepEqual(ids(await store().credentials.list({ ownerId, ownerType: 'provider' })), [d.id]);
    assert.deepEqual(ids(await store().credentials.list({ ownerId, states: ['active', 'retiring'] })), [a.id, b.id, d.id].sort());
    assert.deepEqual(ids(await store().credentials.list({ ownerId, states: [] })), []);
    assert.deepEqual(ids(await store().credentials.list({ ownerId, expiresBefore: 2000 })), [a.id, b.id].sort());
    assert.deepEqual(ids(await store().credentials.list({ ownerId, expiresBefore: 5000, states: ['active'] })), [a.id, d.id].sort());
  });

  test('apiTokens filter by subject and are found by hash', async () => {
    const a = f.apiToken();
    const b = f.apiToken();
    await store().transaction(async (tx) => {
      await tx.apiTokens.insert(a);
      await tx.apiTokens.insert(b);
    });
    assert.deepEqual(ids(await store().apiTokens.list({ subject: a.subject })), [a.id]);
    assert.deepEqual(await store().apiTokens.getByHash(b.tokenHash), b);
    assert.equal(await store().apiTokens.getByHash('sha256:nope'), null);
  });

  test('jobs filter by type, state and key', async () => {
    const type = f.unique('type');
    const a = f.job({ type, state: 'pending' });
    const b = f.job({ type, state: 'failed' });
    await store().transaction(async (tx) => {
      await tx.jobs.insert(a);
      await tx.jobs.insert(b);
    });
    assert.deepEqual(ids(await store().jobs.list({ type })), [a.id, b.id].sort());
    assert.deepEqual(ids(await store().jobs.list({ type, state: 'failed' })), [b.id]);
    assert.deepEqual(ids(await store().jobs.list({ key: a.key })), [a.id]);
  });

  test('page size defaults to 50 and is capped at 500; a bad cursor is VALIDATION_FAILED', async () => {
    const subject = f.unique('bulk');
    const rows = Array.from({ length: 501 }, () => f.apiToken({ subject }));
    await store().transaction(async (tx) => {
      for (const r of rows) await tx.apiTokens.insert(r);
    });
    assert.equal((await store().apiTokens.list({ subject })).items.length, 50);
    const capped = await store().apiTokens.list({ subject }, { limit: 10_000 });
    assert.equal(capped.items.length, 500);
    assert.notEqual(capped.nextCursor, null);
    const rest = await store().apiTokens.list({ subject }, { limit: 500, cursor: capped.nextCursor });
    assert.equal(rest.items.length, 1);
    assert.equal(rest.nextCursor, null);
    assert.equal((await store().apiTokens.list({ subject }, { limit: 0 })).items.length, 1);
    await assert.rejects(store().apiTokens.list({ subject }, { cursor: 'not a cursor!' }), { code: 'VALIDATION_FAILED' });
  });
}
