import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatehouse } from '../../src/cli/serve/compose.ts';
import { run } from '../../src/cli/program.ts';
import type { Io } from '../../src/cli/context.ts';

/** Issue 5.6: `gatehouse demo` against a running sandbox tells the whole story and leaves everything in place. */

function capture(env: Record<string, string>): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => { out += t; }, err: (t) => { err += t; }, env, now: () => Date.now(), stdout: () => out, stderr: () => err };
}

test('gatehouse demo walks through onboarding, token, gateway, denial, usage — and leaves the state', { timeout: 50_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-demo-'));
  const gh = await startGatehouse({ dataDir, apiPort: 0, gatewayPort: 0, gatewayPollIntervalMs: 50, jobPollMs: 50, env: {}, sandbox: 'auto' });
  t.after(async () => {
    await gh.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const io = capture({ GATEHOUSE_URL: gh.apiUrl, GATEHOUSE_TOKEN: gh.bootstrapToken! });
  const code = await run(['demo', '--no-wait', '--gateway-url', gh.gatewayUrl], io);
  const out = io.stdout();
  assert.equal(code, 0, out + io.stderr());
  for (const expected of [
    /\[1\] Find the sandbox environment/,
    /✓ environment sandbox \(env_\w+\) → provider sandbox-entra/,
    /\[2\] Start a sample upstream/,
    /✓ API demo-orders-\w+ v1 \(api_\w+\)/,
    /✓ contract ctr_\w+ is requested/,
    /✓ approved: onboarding into Entra ID starts/,
    /✓ registered in Entra: client id [0-9a-f-]{36}/,
    /audit: app\.registered +\(Entra log: "Add application"\)/,
    /✓ token for aud [0-9a-f-]{36}/,
    /✓ 200 OK: \{"message":"hello from the sample orders API"/,
    /✓ no token: 401 Bearer/,
    /✓ a forged token: 401/,
    /Done\. Everything stays in place/,
  ]) assert.match(out, expected);
  assert.doesNotMatch(out, /✗/);

  // The state the demo leaves behind.
  const appId = /gatehouse app get (app_\w+)/.exec(out)![1]!;
  const app = await gh.store.apps.get(appId);
  assert.ok(app?.registration?.clientId, 'the app is registered in the emulated tenant');
  const contracts = (await gh.store.contracts.list({ appId })).items;
  assert.equal(contracts.length, 1);
  assert.equal(contracts[0]!.state, 'approved');
  const api = await gh.store.apis.get(contracts[0]!.apiId);
  assert.equal(api?.policies[0]?.type, 'oauth-token');
  const creds = (await gh.store.credentials.list({ ownerType: 'app', ownerId: appId })).items;
  assert.equal(creds.length, 1);
  assert.equal(creds[0]!.state, 'active');
  // The secret was claimed: nobody can claim it again.
  const again = await fetch(`${gh.apiUrl}/v1/apps/${appId}/registration/secret`, { method: 'POST', headers: { authorization: `Bearer ${gh.bootstrapToken}` } });
  assert.equal(again.status, 410);
});

test('gatehouse demo without a sandbox explains what to do (exit 1)', { timeout: 20_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-demo-none-'));
  const gh = await startGatehouse({ dataDir, apiPort: 0, gatewayPort: 0, env: {}, sandbox: false });
  t.after(async () => {
    await gh.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const io = capture({ GATEHOUSE_URL: gh.apiUrl, GATEHOUSE_TOKEN: gh.bootstrapToken! });
  const code = await run(['demo', '--no-wait', '--gateway-url', gh.gatewayUrl], io);
  assert.equal(code, 1);
  assert.match(io.stderr(), /error: no "sandbox" environment with a provider \(NO_SANDBOX\)/);
  assert.match(io.stderr(), /hint: start Gatehouse with its built-in sandbox/);
});
