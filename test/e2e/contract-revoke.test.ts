import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { Agent, fetch } from 'undici';
import { decodeJwt } from 'jose';
import { SYSTEM_CALLER, createServices, registerPolicySchema, type Services } from '../../src/control/index.ts';
import { listAll } from '../../src/control/context.ts';
import { withApiTriggers } from '../../src/control/onboarding-triggers.ts';
import { claimOnboardingSecret, readResourceApp, requestResourceAppSetup, roleIdForApi, roleValueForApi, ONBOARD_JOB, APP_ROLE_JOB } from '../../src/control/onboarding/index.ts';
import { startHarness, type Harness } from '../../src/control/onboarding/test-harness.ts';
import type { Api, ClientApp } from '../../src/core/domain.ts';
import type { ResourceApp } from '../../src/core/ports/identity.ts';
import { ENTRA_ACTIVITY } from '../../src/core/audit-catalog.ts';
import { startGateway, type Gateway } from '../../src/gateway/index.ts';
import { JwksRegistry, oauthTokenConfigSchema } from '../../src/gateway/policies/oauth-token/index.ts';
import { eventually, startUpstream } from './support/sandbox.ts';

registerPolicySchema('oauth-token', oauthTokenConfigSchema);

/**
 * Revoking one of an app's token contracts takes that API's app role away in Entra (not only at the gateway):
 * an app with contracts to APIs A and B against the emulator, behind a real gateway. Revoke A → Entra holds only B's
 * assignment, a new token carries only B's role, the gateway refuses A and serves B; re-approve A → the role is back.
 * A Graph outage during the revoke is retried by the job and leaves no assignment behind.
 */
describe('revoking one of several token contracts', () => {
  let h: Harness;
  let services: Services;
  let gateway: Gateway;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let agent: Agent;
  let apiA: Api;
  let apiB: Api;
  let app: ClientApp;
  let resourceApp: ResourceApp;
  let secret: { clientId: string; secret: string };
  const tiers: Record<string, string> = {};

  before(async () => {
    h = await startHarness({ runner: { retryDelayMs: () => 1_000 } });
    services = withApiTriggers(createServices({ store: h.store, clock: h.clock, vault: h.vault }), { store: h.store, clock: h.clock });
    upstream = await startUpstream();
    agent = new Agent({ connect: { ca: [...rootCertificates, h.emu.caCertPem] } });
    // The resource app first, so the APIs' token policies can name its audience (as the sandbox does).
    await h.store.transaction(async (tx) => requestResourceAppSetup(tx, h.clock.now(), h.environmentId, (await tx.providers.get(h.providerId))!));
    await h.runner.runUntilIdle();
    resourceApp = readResourceApp(await h.provider(), h.environmentId)!;
    const policies = [{
      type: 'oauth-token',
      config: {
        issuer: { kind: 'entra', tenantId: h.emu.tenantId, authorityHost: h.emu.url, issuerHosts: { v1: 'https://sts.windows.net', v2: 'https://login.microsoftonline.com' } },
        audiences: [resourceApp.clientId, resourceApp.identifierUri],
      },
    }];
    for (const name of ['a', 'b']) {
      const api = await services.apis.create(SYSTEM_CALLER, { environmentId: h.environmentId, name, version: 'v1', basePath: `/${name}`, upstreamUrl: upstream.url, policies });
      tiers[api.id] = (await services.tiers.create(SYSTEM_CALLER, api.id, { name: 'gold', limit: { requests: 1000, windowSeconds: 60 }, approval: 'auto' })).id;
      if (name === 'a') apiA = api; else apiB = api;
    }
    gateway = await startGateway({ store: h.store, port: 0, clock: h.clock, pollIntervalMs: 50, jwks: new JwksRegistry({ dispatcher: agent }) });
  });
  after(async () => {
    await gateway?.close();
    await h?.close();
    await agent?.close();
    upstream?.server.close();
  });

  /** Role ids Entra (the emulator) has assigned to the app on the environment's resource app. */
  function assignedRoles(): string[] {
    const tenant = (h.emu.control.state().tenants as any[])[0];
    const clientSp = tenant.servicePrincipals.find((sp: any) => sp.appId === app.clientId);
    const resourceSp = tenant.servicePrincipals.find((sp: any) => sp.id === resourceApp.principalId);
    return resourceSp._appRoleAssignedTo.filter((a: any) => a.principalId === clientSp.id).map((a: any) => a.appRoleId).sort();
  }

  async function newToken(): Promise<{ token: string; roles: string[] }> {
    const res = await fetch(`${h.emu.url}/${h.emu.tenantId}/oauth2/v2.0/token`, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: secret.clientId, client_secret: secret.secret, scope: `${resourceApp.identifierUri}/.default` }).toString(),
    });
    const body = (await res.json()) as { access_token?: string; error_description?: string };
    assert.equal(res.status, 200, body.error_description);
    return { token: body.access_token!, roles: ((decodeJwt(body.access_token!).roles as string[] | undefined) ?? []).slice().sort() };
  }

  const status = async (path: string, token: string) => {
    const r = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    return r.status;
  };
  const gatewaySays = (path: string, token: string, want: (s: number) => boolean) =>
    eventually(`${path} through the gateway`, async () => { const s = await status(path, token); return want(s) ? s : undefined; });

  const both = () => [roleIdForApi(apiA.id), roleIdForApi(apiB.id)].sort();
  const values = (...apis: Api[]) => apis.map((a) => roleValueForApi(a)).sort();

  test('setup: the app with contracts to A and B is onboarded with both roles and calls both APIs', async () => {
    app = await services.apps.create(SYSTEM_CALLER, { environmentId: h.environmentId, name: 'shop' });
    for (const api of [apiA, apiB]) await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: api.id, tierId: tiers[api.id]! });
    await h.runner.runUntilIdle();
    const [onboard] = await listAll((p) => h.store.jobs.list({ type: ONBOARD_JOB }, p));
    assert.equal(onboard?.state, 'succeeded', onboard?.lastError ?? '');
    const claimed = await claimOnboardingSecret(h.deps, onboard!.id);
    assert.equal(claimed.status, 'delivered');
    if (claimed.status !== 'delivered') return;
    secret = { clientId: claimed.secret.clientId, secret: claimed.secret.secret };
    app = (await h.store.apps.get(app.id))!;
    assert.deepEqual(assignedRoles(), both());
    h.emu.control.clock.advance(60_000); // past replication of the new secret
    const { token, roles } = await newToken();
    assert.deepEqual(roles, values(apiA, apiB));
    assert.equal(await gatewaySays('/a/x', token, (s) => s === 200), 200);
    assert.equal(await gatewaySays('/b/x', token, (s) => s === 200), 200);
  });

  let contractA: string;

  test('revoking A: Entra keeps only B\'s assignment, a new token carries only B\'s role, the gateway refuses A and serves B', async () => {
    contractA = (await h.store.contracts.list({ appId: app.id, apiId: apiA.id, state: 'approved' })).items[0]!.id;
    await services.contracts.decide(SYSTEM_CALLER, contractA, 'revoke', 'no longer needed');
    assert.equal(await h.runner.runUntilIdle(), 1);
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiB.id)]);
    assert.equal((await h.store.apps.get(app.id))!.registration?.clientId, secret.clientId, 'not offboarded: B is still approved');
    const [revoked] = (await h.store.audit.list({ type: 'app_role.revoked', entityId: contractA })).items;
    assert.equal(revoked?.idpActivity, ENTRA_ACTIVITY.removeAppRoleAssignment);

    const { token, roles } = await newToken();
    assert.deepEqual(roles, values(apiB));
    const refused = await gatewaySays('/a/x', token, (s) => s === 401 || s === 403);
    assert.ok(refused === 401 || refused === 403);
    assert.equal(await status('/b/x', token), 200);
  });

  test('re-approving A grants the role again', async () => {
    const again = await services.contracts.request(SYSTEM_CALLER, { appId: app.id, apiId: apiA.id, tierId: tiers[apiA.id]! });
    assert.equal(again.state, 'approved');
    assert.ok(await h.runner.runUntilIdle() >= 1);
    assert.deepEqual(assignedRoles(), both());
    const { token, roles } = await newToken();
    assert.deepEqual(roles, values(apiA, apiB));
    assert.equal(await gatewaySays('/a/x', token, (s) => s === 200), 200);
    contractA = again.id;
  });

  test('a Graph 503 during the revoke is retried by the job; afterwards no assignment of A is left', async () => {
    await services.contracts.decide(SYSTEM_CALLER, contractA, 'revoke');
    const [job] = (await listAll((p) => h.store.jobs.list({ type: APP_ROLE_JOB, state: 'pending' }, p)));
    assert.ok(job);
    h.emu.control.faults.set({ failRate5xx: 1, failStatuses: [503], seed: 3 });
    try {
      await h.runner.runUntilIdle();
    } finally {
      h.emu.control.faults.clear();
    }
    const waiting = (await h.store.jobs.get(job.id))!;
    assert.equal(waiting.state, 'pending', `retried, not given up: ${waiting.lastError}`);
    assert.deepEqual(assignedRoles(), both(), 'nothing changed while Graph answered 503');
    h.emu.control.clock.advance(2_000);
    await h.runner.runUntilIdle();
    assert.equal((await h.store.jobs.get(job.id))!.state, 'succeeded');
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiB.id)], 'no orphaned assignment');
    const { token, roles } = await newToken();
    assert.deepEqual(roles, values(apiB));
    assert.ok([401, 403].includes(await gatewaySays('/a/x', token, (s) => s === 401 || s === 403)));
    assert.equal(await status('/b/x', token), 200);
    assert.equal((await h.store.audit.verify()).ok, true);
  });
});
