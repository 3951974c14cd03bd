import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Job } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import { ONBOARD_JOB } from '../../control/onboarding/index.ts';
import { sealDelivery } from '../../control/onboarding/delivery.ts';
import { vaultFromKey } from '../../platform/vault.ts';
import { createManagementApi } from '../index.ts';
import { createFixture, type Fixture } from '../test-fixture.ts';

describe('app registration routes', () => {
  let f: Fixture;
  let api: ReturnType<typeof createManagementApi>;
  let noVault: ReturnType<typeof createManagementApi>;
  const vault = vaultFromKey(randomBytes(32));

  before(async () => {
    f = await createFixture();
    const deps = { store: f.store, services: f.services, clock: f.clock, vault };
    api = createManagementApi(deps);
    noVault = createManagementApi({ store: f.store, services: f.services, clock: f.clock });
  });
  after(() => f.close());

  const call = async (app: typeof api, token: string, method: string, path: string) => {
    const res = await app.request(path, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null, text };
  };

  async function addJob(appId: string, patch: Partial<Job>): Promise<Job> {
    const now = f.clock.now();
    const job: Job = {
      id: newId('job', now), type: ONBOARD_JOB, key: appId, state: 'pending', payload: { appId }, progress: {}, attempts: 0, runAt: now,
      lockedBy: null, lockedUntil: null, lastError: null, createdAt: now, updatedAt: now, ...patch,
    };
    await f.store.jobs.insert(job);
    return job;
  }

  test('no onboarding → 404 for the claim, status "none"', async () => {
    const { appB } = f.world;
    const claim = await call(api, f.tokens.consumerB, 'POST', `/v1/apps/${appB.id}/registration/secret`);
    assert.equal(claim.status, 404);
    assert.equal(claim.json.code, 'NOT_FOUND');
    const status = await call(api, f.tokens.consumerB, 'GET', `/v1/apps/${appB.id}/registration`);
    assert.equal(status.status, 200);
    assert.equal(status.json.status, 'none');
    assert.equal(status.json.job, null);
  });

  test('pending → 202 with Retry-After; delivered once → 200; then 410; others see 404/403', async () => {
    const { appA } = f.world;
    const job = await addJob(appA.id, { state: 'running' });
    const pending = await call(api, f.tokens.consumerA, 'POST', `/v1/apps/${appA.id}/registration/secret`);
    assert.equal(pending.status, 202);
    assert.deepEqual(pending.json, { status: 'pending', retryAfter: 2, jobId: job.id });
    assert.equal(pending.headers.get('retry-after'), '2');

    // The job finishes: the secret is sealed in its progress.
    const expiresAt = f.clock.now() + 180 * 86_400_000;
    const delivery = sealDelivery(vault, job.id, { secret: 'S3cret-value-from-the-idp', keyId: 'key-1', clientId: 'client-1', expiresAt });
    await f.store.jobs.update({ ...job, state: 'succeeded', progress: { delivery, deliveryExpiresAt: f.clock.now() + 86_400_000 } });
    const status = await call(api, f.tokens.consumerA, 'GET', `/v1/apps/${appA.id}/registration`);
    assert.equal(status.json.secret, 'claimable');
    assert.ok(!status.text.includes('S3cret'), 'status never shows the secret');

    // Not the owner, and not a writer: nothing learnt, nothing consumed.
    assert.equal((await call(api, f.tokens.consumerB, 'POST', `/v1/apps/${appA.id}/registration/secret`)).status, 404);
    assert.equal((await call(api, f.tokens.viewer, 'POST', `/v1/apps/${appA.id}/registration/secret`)).status, 403);
    assert.equal((await call(noVault, f.tokens.consumerA, 'POST', `/v1/apps/${appA.id}/registration/secret`)).status, 503);

    const claimed = await call(api, f.tokens.consumerA, 'POST', `/v1/apps/${appA.id}/registration/secret`);
    assert.equal(claimed.status, 200, claimed.text);
    assert.equal(claimed.json.secret, 'S3cret-value-from-the-idp');
    assert.equal(claimed.json.clientId, 'client-1');
    assert.equal(claimed.json.keyId, 'key-1');
    assert.equal(claimed.json.expiresAt, new Date(expiresAt).toISOString());
    assert.equal(claimed.json.tokenEndpoint, null, 'a local provider has no token endpoint');
    assert.equal(claimed.headers.get('cache-control'), 'no-store');

    const again = await call(api, f.tokens.admin, 'POST', `/v1/apps/${appA.id}/registration/secret`);
    assert.equal(again.status, 410);
    assert.match(again.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(again.json.code, 'SECRET_GONE');
    assert.equal(again.json.reason, 'claimed');
    assert.ok(!again.text.includes('S3cret'));
    assert.equal((await call(api, f.tokens.consumerA, 'GET', `/v1/apps/${appA.id}/registration`)).json.secret, 'claimed');
  });

  test('a failed onboarding → 410 "failed" and status "failed", the sealed secret is not handed out', async () => {
    const app = await f.services.apps.create({ actor: 'test', role: 'admin', subject: 'x' }, { environmentId: f.world.env.id, name: 'failing' });
    const job = await addJob(app.id, { state: 'failed', lastError: 'IDP_REJECTED: no' });
    const delivery = sealDelivery(vault, job.id, { secret: 'never-shown-secret', keyId: 'k', clientId: 'c', expiresAt: f.clock.now() + 1000 });
    await f.store.jobs.update({ ...job, progress: { delivery } });
    const res = await call(api, f.tokens.admin, 'POST', `/v1/apps/${app.id}/registration/secret`);
    assert.equal(res.status, 410);
    assert.equal(res.json.reason, 'failed');
    assert.ok(!res.text.includes('never-shown-secret'));
    const status = await call(api, f.tokens.admin, 'GET', `/v1/apps/${app.id}/registration`);
    assert.equal(status.json.status, 'failed');
    assert.equal(status.json.job.lastError, 'IDP_REJECTED: no');
  });

  test('bad ids → 400, unknown app → 404, no token → 401', async () => {
    assert.equal((await call(api, f.tokens.admin, 'POST', '/v1/apps/nope/registration/secret')).status, 400);
    assert.equal((await call(api, f.tokens.admin, 'GET', `/v1/apps/${newId('app', 0)}/registration`)).status, 404);
    assert.equal((await api.request(`/v1/apps/${f.world.appA.id}/registration`)).status, 401);
  });
});
