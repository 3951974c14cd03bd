import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { startGatehouse } from '../../src/cli/serve/compose.ts';
import { api, eventually, startUpstream } from './support/sandbox.ts';
import { ENTRA_ACTIVITY } from '../../src/core/audit-catalog.ts';

/**
 * Issue done-when for IdP rotation: an app onboarded in the emulated Entra tenant keeps working while its secret is
 * rotated. Concurrent clients fetch tokens from the emulator with whatever secret they currently hold and call the
 * API through the gateway; rotation adds the new secret in Entra, the clients switch, finishing the rotation removes
 * the old one from Entra. No call and no token request fails; afterwards only the new keyId is on the application,
 * the old secret is refused by Entra (AADSTS7000215), and the audit trail names the Entra activities.
 */




type Claimed = { clientId: string; secret: string; keyId: string; tokenEndpoint: string; scope: string };

test('Entra rotation: clients keep working through rotate + finish, old secret gone from the tenant', { timeout: 50_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-entra-rot-'));
  const upstream = await startUpstream();
  const gh = await startGatehouse({ dataDir, apiPort: 0, gatewayPort: 0, gatewayPollIntervalMs: 50, jobPollMs: 50, env: {}, sandbox: 'auto' });
  t.after(async () => {
    await gh.close();
    upstream.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const sb = gh.sandbox;
  assert.ok(sb, 'sandbox started');
  assert.ok(sb.resourceApp, 'resource app set up before start returns');
  const call = api(gh, gh.bootstrapToken!);
  const agent = new Agent({ connect: { ca: readFileSync(sb.caCertPath, 'utf8') } });
  t.after(() => agent.close());

  // Onboard: API with an Entra oauth-token policy, an app, an approved contract, the one-time secret.
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
  const tier = await call('POST', `/v1/apis/${created.body.id}/tiers`, { name: 'gold', limit: { requests: 100_000, windowSeconds: 60 } });
  assert.equal(tier.status, 201);
  const app = await call('POST', '/v1/apps', { environmentId: sb.environmentId, name: 'shop' });
  assert.equal(app.status, 201);
  const appId = app.body.id as string;
  const contract = await call('POST', '/v1/contracts', { appId, apiId: created.body.id, tierId: tier.body.id });
  assert.equal((await call('POST', `/v1/contracts/${contract.body.id}/approve`, {})).status, 200);
  const first = await eventually('onboarding secret', async () => {
    const r = await call('POST', `/v1/apps/${appId}/registration/secret`);
    if (r.status === 202) return undefined;
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as Claimed;
  });
  await gh.runJobs();

  const requestToken = (secret: string) => undiciFetch(first.tokenEndpoint, {
    method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: first.clientId, client_secret: secret, scope: first.scope }).toString(),
  });
  const viaGateway = (token: string) => fetch(`${gh.gatewayUrl}/orders/v1/items`, { headers: { authorization: `Bearer ${token}` } });

  // The gateway's snapshot picks up the contract asynchronously: wait for one good call before the measured run.
  const warm = (await (await requestToken(first.secret)).json()) as { access_token: string };
  await eventually('gateway accepts the first token', async () => {
    const r = await viaGateway(warm.access_token);
    await r.arrayBuffer();
    return r.status === 200 ? true : undefined;
  });

  // The client loop: each worker gets a fresh token with the CURRENT secret, then calls through the gateway.
  let currentSecret = first.secret;
  let stop = false;
  const stats = { tokens: 0, calls: 0, tokenFailures: [] as string[], callFailures: [] as string[], callsWithNewSecret: 0 };
  const worker = async () => {
    while (!stop) {
      const secret = currentSecret;
      const tr = await requestToken(secret);
      const tb = (await tr.json()) as { access_token?: string; error_description?: string };
      stats.tokens++;
      if (tr.status !== 200 || !tb.access_token) {
        stats.tokenFailures.push(`${tr.status} ${tb.error_description ?? ''}`.slice(0, 120));
        continue;
      }
      const gr = await viaGateway(tb.access_token);
      await gr.arrayBuffer();
      stats.calls++;
      if (gr.status !== 200) stats.callFailures.push(String(gr.status));
      else if (secret !== first.secret) stats.callsWithNewSecret++;
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  const runFor = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await runFor(300);

  // Rotate with inline delivery: for an IdP-backed app the route returns the new Entra secret, its keyId and the same clientId.
  const rotated = await call('POST', `/v1/apps/${appId}/credentials/rotate`, { delivery: 'inline', graceDays: 7 });
  assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
  assert.equal(rotated.body.clientId, first.clientId, 'rotation keeps the app registration');
  assert.equal(typeof rotated.body.secret, 'string');
  assert.notEqual(rotated.body.secret, first.secret);
  assert.equal(rotated.body.deliveryUrl, undefined, 'inline delivery: no link');
  const newKeyId = rotated.body.credential.keyId as string;
  assert.match(newKeyId, /^[0-9a-f-]{36}$/, 'the keyId Entra assigned');
  assert.notEqual(newKeyId, first.keyId);
  assert.equal(rotated.body.credential.state, 'active');
  assert.equal(rotated.body.retiring.length, 1, 'the onboarding secret is now retiring');
  const old = rotated.body.retiring[0] as { id: string; keyId: string; state: string; retireAt: string };
  assert.equal(old.keyId, first.keyId);
  assert.equal(old.state, 'retiring');
  assert.ok(!JSON.stringify(rotated.body.retiring).includes(first.secret));

  // Both secrets on the application during the grace window; clients still holding the old one keep working.
  const emuApp = async () => {
    const state = (await (await undiciFetch(`${sb.emulatorUrl}/_emulator/state`, { dispatcher: agent })).json()) as {
      tenants: { applications: { appId: string; passwordCredentials: { keyId: string }[] }[] }[];
    };
    return state.tenants.flatMap((tn) => tn.applications).find((a) => a.appId === first.clientId)!;
  };
  assert.deepEqual((await emuApp()).passwordCredentials.map((p) => p.keyId).sort(), [first.keyId, newKeyId].sort());
  await runFor(300);
  currentSecret = rotated.body.secret as string;
  // Let every worker finish any in-flight request made with the old secret and do some calls with the new one.
  await eventually('calls with the new secret', async () => (stats.callsWithNewSecret >= 8 ? true : undefined));

  // Finish early: the old secret is removed from Entra now.
  const finished = await call('POST', `/v1/credentials/${old.id}/finish-rotation`);
  assert.equal(finished.status, 200, JSON.stringify(finished.body));
  assert.equal(finished.body.state, 'removed');
  const again = await call('POST', `/v1/credentials/${old.id}/finish-rotation`);
  assert.equal(again.status, 409, 'a removed credential cannot be finished twice');
  await runFor(300);
  stop = true;
  await Promise.all(workers);

  assert.deepEqual(stats.tokenFailures, [], 'no token request failed');
  assert.deepEqual(stats.callFailures, [], 'no gateway call failed');
  assert.ok(stats.calls >= 20, `the loop really ran (${stats.calls} calls)`);

  assert.deepEqual((await emuApp()).passwordCredentials.map((p) => p.keyId), [newKeyId], 'only the new secret is on the application');
  const refused = await requestToken(first.secret);
  const refusedBody = (await refused.json()) as { error?: string; error_description?: string; error_codes?: number[] };
  assert.equal(refused.status, 401, JSON.stringify(refusedBody));
  assert.equal(refusedBody.error, 'invalid_client');
  assert.match(refusedBody.error_description ?? '', /AADSTS7000215/);
  assert.equal((await requestToken(rotated.body.secret)).status, 200, 'the new secret works');

  // Audit: added (new) with the Entra addPassword activity, retiring (old), removed (old) with removePassword.
  const eventsOf = async (credentialId: string) =>
    ((await call('GET', `/v1/audit?entityType=credential&entityId=${credentialId}`)).body.items as { type: string; idpActivity: string | null; actor: string }[]);
  const newEvents = await eventsOf(rotated.body.credential.id);
  assert.deepEqual(newEvents.map((e) => [e.type, e.idpActivity]), [['credential.added', ENTRA_ACTIVITY.addPassword]]);
  const oldEvents = await eventsOf(old.id);
  const byType = new Map(oldEvents.map((e) => [e.type, e]));
  assert.ok(byType.has('credential.added'), oldEvents.map((e) => e.type).join(','));
  assert.ok(byType.has('credential.retiring'));
  // Retiring is Gatehouse-only (no Graph call), so it names no Entra activity.
  assert.equal(byType.get('credential.retiring')!.idpActivity, null);
  assert.equal(byType.get('credential.removed')?.idpActivity, ENTRA_ACTIVITY.removePassword);
  assert.ok(!JSON.stringify([newEvents, oldEvents]).includes(rotated.body.secret), 'no secret in the audit log');
});
