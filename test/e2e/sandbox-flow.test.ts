import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { startGatehouse } from '../../src/cli/serve/compose.ts';
import { api, eventually, startUpstream } from './support/sandbox.ts';

/**
 * Issue 4.7 end to end: `serve` with no provider starts the Entra emulator and a wired `sandbox` environment; an API
 * with an oauth-token policy, an approved contract, onboarding in the emulated tenant, the one-time secret, a token
 * from the emulator, a call through the gateway; revoking offboards, a restart reuses the same tenant and secret.
 */




test('sandbox: onboarding in the emulated tenant, token through the gateway, revoke, offboard, restart', { timeout: 50_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-sandbox-'));
  const upstream = await startUpstream();
  const opts = { dataDir, apiPort: 0, gatewayPort: 0, gatewayPollIntervalMs: 50, jobPollMs: 50, env: {}, sandbox: 'auto' as const };
  let gh = await startGatehouse(opts);
  t.after(async () => {
    await gh.close();
    upstream.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sb = gh.sandbox;
  assert.ok(sb, 'sandbox started');
  assert.ok(sb.created);
  assert.match(sb.emulatorUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(sb.caCertPath));
  assert.ok(existsSync(join(dataDir, 'master.key')), 'master key file created in the data dir');
  assert.ok(sb.resourceApp, 'resource app set up before start returns');
  const firstToken = gh.bootstrapToken!;
  const call = api(gh, firstToken);
  const agent = new Agent({ connect: { ca: (await import('node:fs')).readFileSync(sb.caCertPath, 'utf8') } });
  t.after(() => agent.close());

  const provider = await call('GET', `/v1/providers/${sb.providerId}`);
  assert.equal(provider.body.kind, 'entra');
  assert.equal(provider.body.name, 'sandbox-entra');
  assert.equal(provider.body.secretCiphertext, undefined, 'sealed credential never leaves the API');
  const env = await call('GET', `/v1/environments/${sb.environmentId}`);
  assert.equal(env.body.name, 'sandbox');
  assert.equal(env.body.defaultProviderId, sb.providerId);

  const created = await call('POST', '/v1/apis', {
    environmentId: sb.environmentId, name: 'orders', version: 'v1', basePath: '/orders/v1', upstreamUrl: upstream.url,
    policies: [{
      type: 'oauth-token',
      config: {
        issuer: { kind: 'entra', tenantId: sb.tenantId, authorityHost: sb.emulatorUrl, issuerHosts: { v1: 'https://sts.windows.net', v2: 'https://login.microsoftonline.com' } },
        audiences: [sb.resourceApp.clientId, sb.resourceApp.identifierUri],
      },
    }],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const apiId = created.body.id as string;
  const tier = await call('POST', `/v1/apis/${apiId}/tiers`, { name: 'gold', limit: { requests: 100, windowSeconds: 60 } });
  assert.equal(tier.status, 201);
  const app = await call('POST', '/v1/apps', { environmentId: sb.environmentId, name: 'shop' });
  assert.equal(app.status, 201);
  assert.equal(app.body.clientId, null, 'an Entra app gets its client id from onboarding');
  const appId = app.body.id as string;

  // Nothing to claim before the contract is approved.
  assert.equal((await call('POST', `/v1/apps/${appId}/registration/secret`)).status, 404);
  const contract = await call('POST', '/v1/contracts', { appId, apiId, tierId: tier.body.id });
  assert.equal(contract.body.state, 'requested');
  assert.equal((await call('GET', `/v1/apps/${appId}/registration`)).body.status, 'none');
  assert.equal((await call('POST', `/v1/contracts/${contract.body.id}/approve`, {})).status, 200);

  const secret = await eventually('onboarding secret', async () => {
    const r = await call('POST', `/v1/apps/${appId}/registration/secret`);
    if (r.status === 202) {
      assert.equal(r.body.status, 'pending');
      assert.equal(r.headers.get('retry-after'), '2');
      return undefined;
    }
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { clientId: string; secret: string; keyId: string; expiresAt: string; tokenEndpoint: string; scope: string };
  });
  assert.match(secret.clientId, /^[0-9a-f-]{36}$/);
  assert.equal(secret.scope, `${sb.resourceApp.identifierUri}/.default`);
  assert.equal(secret.tokenEndpoint, `${sb.emulatorUrl}/${sb.tenantId}/oauth2/v2.0/token`);
  // Once only.
  const again = await call('POST', `/v1/apps/${appId}/registration/secret`);
  assert.equal(again.status, 410);
  assert.equal(again.body.code, 'SECRET_GONE');
  assert.ok(!JSON.stringify(again.body).includes(secret.secret));
  await gh.runJobs();
  const reg = await call('GET', `/v1/apps/${appId}/registration`);
  assert.equal(reg.body.status, 'registered', JSON.stringify(reg.body));
  assert.equal(reg.body.clientId, secret.clientId);
  assert.equal(reg.body.secret, 'claimed');

  const tokenRes = await undiciFetch(secret.tokenEndpoint, {
    method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: secret.clientId, client_secret: secret.secret, scope: secret.scope }).toString(),
  });
  const tokenBody = await tokenRes.json() as { access_token?: string; error_description?: string };
  assert.equal(tokenRes.status, 200, JSON.stringify(tokenBody));
  const accessToken = tokenBody.access_token!;

  const viaGateway = (auth?: string) => fetch(`${gh.gatewayUrl}/orders/v1/items`, { headers: auth ? { authorization: auth } : {} });
  const ok = await eventually('gateway accepts the token', async () => {
    const r = await viaGateway(`Bearer ${accessToken}`);
    return r.status === 200 ? r : (await r.arrayBuffer(), undefined);
  });
  assert.equal(((await ok.json()) as { path: string }).path, '/items');
  assert.equal((await viaGateway()).status, 401);
  // The onboarded secret's expiry is on the gateway's /metrics.
  const metrics = await (await fetch(`${gh.gatewayUrl}/metrics`)).text();
  assert.match(metrics, new RegExp(`gatehouse_credential_expiry_timestamp_seconds\\{environment="sandbox",app="shop",key_id="${secret.keyId}"\\} ${Date.parse(secret.expiresAt) / 1000}`));
  assert.equal((await viaGateway('Bearer not-a-jwt')).status, 401);

  // Revoke: the gateway refuses at once (contract check), and the app is offboarded (its last token contract).
  assert.equal((await call('POST', `/v1/contracts/${contract.body.id}/revoke`, {})).status, 200);
  await eventually('403 after revoke', async () => ((await viaGateway(`Bearer ${accessToken}`)).status === 403 ? true : undefined));
  await gh.runJobs();
  const emuState = async () => (await (await undiciFetch(`${sb.emulatorUrl}/_emulator/state`, { dispatcher: agent })).json()) as Record<string, unknown>;
  const emuApp = async () => {
    const state = await emuState() as { tenants: { applications: { appId: string; _deleted: boolean }[] }[] };
    return state.tenants.flatMap((tn) => tn.applications).find((a) => a.appId === secret.clientId);
  };
  // The background job runner may hold the offboarding job already, so wait for its effect rather than for runJobs().
  await eventually('the application is soft-deleted in the emulated tenant (purged later)', async () => {
    await gh.runJobs();
    return (await emuApp())?._deleted === true ? true : undefined;
  });
  await eventually('registration cleared by offboarding', async () =>
    ((await call('GET', `/v1/apps/${appId}/registration`)).body.status === 'none' ? true : undefined));
  const audit = await call('GET', `/v1/audit?entityType=app&entityId=${appId}`);
  const types = (audit.body.items as { type: string; idpActivity: string | null }[]).map((e) => e.type);
  assert.ok(types.includes('app.registered'), types.join(','));
  assert.ok(types.includes('app.unregistered'), types.join(','));

  assert.equal((await call('DELETE', `/v1/apps/${appId}`)).status, 204);

  // Restart on the same data dir: the same tenant, provider and environment; nothing created twice.
  const tenantBefore = sb.tenantId;
  await gh.close();
  gh = await startGatehouse(opts);
  assert.ok(gh.sandbox);
  assert.equal(gh.sandbox.created, false);
  assert.equal(gh.sandbox.tenantId, tenantBefore);
  assert.equal(gh.sandbox.providerId, sb.providerId);
  assert.equal(gh.sandbox.environmentId, sb.environmentId);
  assert.equal(gh.bootstrapToken, null);
  // The stored platform credential still matches the restarted emulator's admin app.
  const doctor = await api(gh, firstToken)('POST', `/v1/providers/${sb.providerId}/check`, {});
  assert.equal(doctor.status, 200, JSON.stringify(doctor.body));
  assert.equal(doctor.body.healthy, true, JSON.stringify(doctor.body.findings));
});

test('sandbox: off with sandbox:false, and not started when another provider exists', { timeout: 20_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-nosandbox-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const gh = await startGatehouse({ dataDir, apiPort: 0, gatewayPort: 0, env: {}, sandbox: false });
  try {
    assert.equal(gh.sandbox, null);
    const call = api(gh, gh.bootstrapToken!);
    assert.equal((await call('GET', '/v1/providers')).body.items.length, 0);
    assert.equal((await call('POST', '/v1/providers', { name: 'local', kind: 'local' })).status, 201);
  } finally {
    await gh.close();
  }
  const again = await startGatehouse({ dataDir, apiPort: 0, gatewayPort: 0, env: {}, sandbox: 'auto' });
  try {
    assert.equal(again.sandbox, null, 'a configured provider means no sandbox');
  } finally {
    await again.close();
  }
});
