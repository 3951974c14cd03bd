import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, fetch } from 'undici';
import { rootCertificates } from 'node:tls';
import { decodeJwt } from 'jose';
import { listAll } from '../../src/control/context.ts';
import { claimOnboardingSecret, readResourceApp, requestOffboarding, requestResourceAppSetup, roleValueForApi, type OnboardResult } from '../../src/control/onboarding/index.ts';
import { startHarness, type Harness } from '../../src/control/onboarding/test-harness.ts';
import type { Api } from '../../src/core/domain.ts';
import { ENTRA_ACTIVITY } from '../../src/core/audit-catalog.ts';
import { createIdentityProvider } from '../../src/identity/factory.ts';

/**
 * Issue 4 end to end against the emulator: provider configured (credential sealed with the master key), doctor,
 * the environment's resource app, onboarding, a real client-credentials token for the onboarded app, the
 * one-time secret delivery, offboarding (soft delete) and the delayed purge — with the audit trail of each write.
 */
let h: Harness;
let apiA: Api;
let apiB: Api;
const PURGE_DELAY = 3 * 86_400_000;

before(async () => {
  h = await startHarness({ purgeDelayMs: PURGE_DELAY });
  apiA = await h.addApi('orders');
  apiB = await h.addApi('billing');
});
after(async () => { await h.close(); });

async function clientCredentialsToken(clientId: string, secret: string, scope: string) {
  const agent = new Agent({ connect: { ca: [...rootCertificates, h.emu.caCertPem] } });
  try {
    const res = await fetch(`${h.emu.url}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } finally {
    await agent.close();
  }
}

describe('Entra onboarding end to end', () => {
  test('the provider credential is encrypted at rest and doctor is healthy through the factory', async () => {
    const provider = await h.provider();
    assert.match(provider.secretCiphertext!, /^v1:/);
    assert.ok(!provider.secretCiphertext!.includes(h.emu.admin.clientSecret));
    assert.ok(!JSON.stringify(provider.config).includes(h.emu.admin.clientSecret));
    const report = await createIdentityProvider(provider, { vault: h.vault }).check();
    assert.equal(report.healthy, true, JSON.stringify(report.findings));
    assert.ok(report.permissions.includes('Application.ReadWrite.OwnedBy'));
  });

  test('the environment gets a resource app: App ID URI, SP, v2 tokens, a role per API, assignment required', async () => {
    await h.store.transaction(async (tx) => requestResourceAppSetup(tx, h.clock.now(), h.environmentId, (await tx.providers.get(h.providerId))!));
    assert.equal(await h.runner.runUntilIdle(), 1);
    const ra = readResourceApp(await h.provider(), h.environmentId)!;
    assert.equal(ra.identifierUri, `api://${ra.clientId}`);
    assert.deepEqual(ra.roles.map((r) => r.value).sort(), [roleValueForApi(apiA), roleValueForApi(apiB)].sort());
    assert.equal(ra.requireRoleAssignment, true);
    const emuApp = (h.emu.control.state().tenants as any[])[0].applications.find((a: any) => a.appId === ra.clientId);
    assert.equal(emuApp.api.requestedAccessTokenVersion, 2);
    assert.deepEqual(emuApp.identifierUris, [ra.identifierUri]);
    const audits = (await h.store.audit.list({ type: 'resource_app.created' })).items;
    assert.ok(audits.some((a) => a.idpActivity === ENTRA_ACTIVITY.createApplication));
    assert.ok(audits.some((a) => a.idpActivity === ENTRA_ACTIVITY.addServicePrincipal));
    // Running setup again changes nothing in Entra but the upsert itself.
    await h.store.transaction(async (tx) => requestResourceAppSetup(tx, h.clock.now(), h.environmentId, (await tx.providers.get(h.providerId))!));
    await h.runner.runUntilIdle();
    assert.equal(readResourceApp(await h.provider(), h.environmentId)!.clientId, ra.clientId);
  });

  let onboarded: { appId: string; clientId: string; objectId: string; secret: string };

  test('onboarding registers the app once, stores ids/hint/expiry, audits each write, delivers the secret once', async () => {
    const { app, jobId } = await h.addOnboardedApp('shop-frontend', apiA);
    assert.equal(await h.runner.runUntilIdle(), 1);
    const job = (await h.store.jobs.get(jobId))!;
    assert.equal(job.state, 'succeeded', job.lastError ?? '');
    const result = job.progress.result as OnboardResult;
    assert.ok(!JSON.stringify(job).includes('secretText'));

    const stored = (await h.store.apps.get(app.id))!;
    assert.equal(stored.clientId, result.clientId);
    assert.deepEqual(stored.registration, { clientId: result.clientId, objectId: result.objectId, uniqueName: `gh-${app.id}` });
    const creds = (await h.store.credentials.list({ ownerType: 'app', ownerId: app.id })).items;
    assert.equal(creds.length, 1);
    assert.equal(creds[0]!.keyId, result.keyId);
    assert.equal(creds[0]!.secretHash, null, 'Entra checks the secret; we keep no verifier');
    const days = (creds[0]!.expiresAt! - creds[0]!.createdAt) / 86_400_000;
    assert.ok(Math.abs(days - 180) < 0.01, `default lifetime 180 days, got ${days}`);

    const first = await claimOnboardingSecret(h.deps, jobId);
    assert.equal(first.status, 'delivered');
    const secret = first.status === 'delivered' ? first.secret.secret : '';
    assert.equal(secret.slice(0, 3), creds[0]!.hint);
    assert.deepEqual(await claimOnboardingSecret(h.deps, jobId), { status: 'gone', reason: 'claimed' });
    assert.ok(!JSON.stringify(await h.store.jobs.get(jobId)).includes(secret), 'the secret is kept nowhere after delivery');

    const activities = (await listAll((page) => h.store.audit.list({}, page))).map((e) => `${e.type}|${e.idpActivity}`);
    for (const expected of [
      `app.registered|${ENTRA_ACTIVITY.createApplication}`, `app.registered|${ENTRA_ACTIVITY.addServicePrincipal}`,
      `credential.added|${ENTRA_ACTIVITY.addPassword}`, `app_role.granted|${ENTRA_ACTIVITY.addAppRoleAssignment}`,
    ]) assert.ok(activities.includes(expected), `audited ${expected}`);
    assert.equal((await h.store.audit.verify()).ok, true);

    const tenant = (h.emu.control.state().tenants as any[])[0];
    assert.equal(tenant.applications.filter((a: any) => a.uniqueName === `gh-${app.id}`).length, 1);
    onboarded = { appId: app.id, clientId: result.clientId, objectId: result.objectId, secret };
  });

  test('the onboarded app gets a token for the environment audience with its secret', async () => {
    const ra = readResourceApp(await h.provider(), h.environmentId)!;
    h.emu.control.clock.advance(60_000); // past replication of the new secret
    const res = await clientCredentialsToken(onboarded.clientId, onboarded.secret, `${ra.identifierUri}/.default`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const claims = decodeJwt(String(res.body.access_token));
    assert.equal(claims.aud, ra.clientId, 'v2 token: aud is the resource appId');
    assert.equal(claims.azp, onboarded.clientId);
    assert.equal(claims.ver, '2.0');
    assert.equal(claims.tid, h.emu.tenantId);
    assert.deepEqual(claims.roles, [roleValueForApi(apiA)]);
    const issuers = createIdentityProvider(await h.provider(), { vault: h.vault }).describeTokenIssuers(ra);
    assert.ok(issuers.issuers.some((i) => i.issuer === claims.iss));
    assert.ok(issuers.audiences.includes(String(claims.aud)));
    const bad = await clientCredentialsToken(onboarded.clientId, 'wrong-secret-value-000000000000000000000', `${ra.identifierUri}/.default`);
    assert.equal(bad.status, 401);
  });

  test('an app registered without a contract on any API is refused a token by Entra itself', async () => {
    const ra = readResourceApp(await h.provider(), h.environmentId)!;
    const idp = h.identityFor(await h.provider());
    const { registration } = await idp.upsertClient({ uniqueName: 'gh-no-contract', displayName: 'no contract' });
    await idp.ensureClientPrincipal(registration.clientId);
    const s = await idp.addSecret(registration.objectId, { displayName: 'x', expiresAt: h.clock.now() + 86_400_000 });
    h.emu.control.clock.advance(60_000);
    const res = await clientCredentialsToken(registration.clientId, s.secret, `${ra.identifierUri}/.default`);
    assert.equal(res.status, 400);
    assert.match(String(res.body.error_description), /AADSTS501051/);
    await idp.deleteClient(registration.objectId);
    await idp.purgeClient(registration.objectId);
  });

  test('deleting the app soft-deletes its Entra app, then purges it after the configured delay', async () => {
    const app = (await h.store.apps.get(onboarded.appId))!;
    await h.store.transaction(async (tx) => {
      await requestOffboarding(tx, h.clock.now(), app, (await tx.providers.get(h.providerId))!);
      await tx.apps.delete(app.id);
    });
    assert.equal(await h.runner.runUntilIdle(), 1);
    let emuApp = (h.emu.control.state().tenants as any[])[0].applications.find((a: any) => a.appId === onboarded.clientId);
    assert.equal(emuApp._deleted, true, 'soft-deleted (restorable)');
    const creds = (await h.store.credentials.list({ ownerType: 'app', ownerId: onboarded.appId })).items;
    assert.deepEqual(creds.map((c) => c.state), ['removed']);
    assert.equal(await h.runner.runUntilIdle(), 0, 'purge waits for its delay');
    h.emu.control.clock.advance(PURGE_DELAY + 1000);
    assert.equal(await h.runner.runUntilIdle(), 1);
    emuApp = (h.emu.control.state().tenants as any[])[0].applications.find((a: any) => a.appId === onboarded.clientId);
    assert.equal(emuApp, undefined, 'purged');
    const types = (await h.store.audit.list({ entityId: onboarded.appId })).items.map((e) => `${e.type}|${e.idpActivity}`);
    assert.ok(types.includes(`app.unregistered|${ENTRA_ACTIVITY.deleteApplication}`));
    assert.ok(types.includes(`app.purged|${ENTRA_ACTIVITY.hardDeleteApplication}`));
  });

  test('an onboarding that gives up (tenant policy refuses the lifetime) compensates: no orphan in Entra', async () => {
    h.emu.control.setAppManagementPolicy({ passwordMaxLifetime: 'P90D' });
    try {
      const { app, jobId } = await h.addOnboardedApp('too-long', apiB);
      await h.runner.runUntilIdle();
      const job = (await h.store.jobs.get(jobId))!;
      assert.equal(job.state, 'failed');
      assert.match(job.lastError!, /CredentialInvalidLifetimeAsPerAppPolicy.*credentialLifetimeDays/);
      assert.equal(job.progress.compensated, 'purged');
      const tenant = (h.emu.control.state().tenants as any[])[0];
      assert.equal(tenant.applications.filter((a: any) => a.uniqueName === `gh-${app.id}`).length, 0);
      const stored = (await h.store.apps.get(app.id))!;
      assert.equal(stored.registration, null);
      assert.deepEqual(await claimOnboardingSecret(h.deps, jobId), { status: 'gone', reason: 'failed' });
    } finally {
      h.emu.control.setAppManagementPolicy({ isEnabled: false });
    }
  });
});
