import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Command } from 'commander';
import { Agent, fetch as undiciFetch } from 'undici';
import type { CliContext } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import type { ClaimedSecret } from '../commands/app.ts';
import { parseDurationMs } from '../duration.ts';

/**
 * The demo's walk-through, step by step (`gatehouse demo`). Each step prints what it does and what came back; a step
 * whose outcome differs from the story marks the run as failed but the walk-through goes on where it can.
 */
interface Json { [key: string]: unknown }
interface ProviderJson { id: string; name: string; kind: string; config: Json }
interface EnvJson { id: string; name: string; defaultProviderId: string | null }
interface ResourceAppJson { clientId: string; identifierUri: string }

export interface DemoRun {
  ok: boolean;
  ids: { environmentId: string; apiId: string; tierId: string; appId: string; contractId: string; clientId: string | null };
  close(): Promise<void>;
}

export interface DemoDeps {
  gatewayUrl: string;
  waitOnboarding: string;
  claim: (ctx: CliContext, cmd: Command, appId: string, waitMs: number, onWait?: (attempt: number) => void) => Promise<ClaimedSecret>;
}

export async function runDemo(ctx: CliContext, cmd: Command, deps: DemoDeps): Promise<DemoRun> {
  const client = ctx.client(cmd);
  const out = (text: string) => ctx.io.out(text + '\n');
  let ok = true;
  let n = 0;
  const step = (title: string) => out(`\n[${++n}] ${title}`);
  const fine = (text: string) => out(`    ✓ ${text}`);
  const bad = (text: string) => {
    ok = false;
    out(`    ✗ ${text}`);
  };
  const info = (text: string) => out(`      ${text}`);

  step('Find the sandbox environment and its (emulated) Entra ID tenant');
  const envs = await client.all<EnvJson>('/v1/environments');
  const env = envs.items.find((e) => e.name === 'sandbox');
  if (!env?.defaultProviderId) {
    throw new CliError('NO_SANDBOX', 'no "sandbox" environment with a provider', EXIT.api,
      'start Gatehouse with its built-in sandbox: `gatehouse serve` on an empty data directory (without --no-sandbox)');
  }
  const provider = await client.get<ProviderJson>(`/v1/providers/${env.defaultProviderId}`);
  const resourceApp = (provider.config.resourceApps as Record<string, ResourceAppJson> | undefined)?.[env.id];
  if (provider.kind !== 'entra' || !resourceApp) {
    throw new CliError('NO_SANDBOX', `environment sandbox uses provider ${provider.name} (${provider.kind}) without a resource app`, EXIT.api,
      'the demo needs the sandbox wired to the Entra emulator (or an Entra tenant whose resource app is set up)');
  }
  const tenantId = String(provider.config.tenantId);
  const authorityHost = String(provider.config.authorityHost ?? 'login.microsoftonline.com');
  const caCertPem = typeof provider.config.caCertPem === 'string' ? provider.config.caCertPem : undefined;
  fine(`environment ${env.name} (${env.id}) → provider ${provider.name}, tenant ${tenantId} at https://${authorityHost}`);
  info(`token audience (resource app): ${resourceApp.clientId}, scope ${resourceApp.identifierUri}/.default`);

  step('Start a sample upstream API (in this process)');
  const upstream = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ message: 'hello from the sample orders API', path: req.url, orders: [{ id: 1, item: 'coffee' }, { id: 2, item: 'tea' }] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const agent = new Agent({ connect: { ca: caCertPem ? [...rootCertificates, caCertPem] : [...rootCertificates] } });
  const close = async () => {
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    upstream.closeAllConnections();
    await agent.close();
  };

  try {
    fine(`listening on ${upstreamUrl}`);

    const suffix = randomBytes(3).toString('hex');
    const basePath = `/demo-${suffix}/orders`;
    step(`Put it behind the gateway at ${basePath}, requiring Entra access tokens (policy oauth-token)`);
    const api = await client.post<Json & { id: string }>('/v1/apis', {
      environmentId: env.id, name: `demo-orders-${suffix}`, version: 'v1', basePath, upstreamUrl,
      policies: [{
        type: 'oauth-token',
        config: {
          issuer: {
            kind: 'entra', tenantId, authorityHost: `https://${authorityHost}`,
            // The emulator signs tokens with Entra's real issuer names, as production does.
            issuerHosts: { v1: 'https://sts.windows.net', v2: 'https://login.microsoftonline.com' },
          },
          audiences: [resourceApp.clientId, resourceApp.identifierUri],
        },
      }],
    });
    fine(`API demo-orders-${suffix} v1 (${api.id})`);

    step('Offer a tier: 60 requests per minute, approved by a person');
    const tier = await client.post<Json & { id: string }>(`/v1/apis/${api.id}/tiers`, { name: 'standard', limit: { requests: 60, windowSeconds: 60 }, approval: 'manual' });
    fine(`tier standard (${tier.id})`);

    step('Register a client app (a consumer of the API)');
    const app = await client.post<Json & { id: string }>('/v1/apps', { environmentId: env.id, name: `demo-client-${suffix}`, description: 'created by gatehouse demo' });
    fine(`app demo-client-${suffix} (${app.id}); no client id yet: Entra will assign one`);

    step('The app asks for access; an operator approves');
    const requested = await client.post<Json & { id: string; state: string }>('/v1/contracts', { appId: app.id, apiId: api.id, tierId: tier.id });
    if (requested.state === 'requested') fine(`contract ${requested.id} is requested`);
    else bad(`contract is ${requested.state}, expected requested`);
    const approved = await client.post<Json & { state: string }>(`/v1/contracts/${requested.id}/approve`, {});
    if (approved.state === 'approved') fine('approved: onboarding into Entra ID starts (a background job)');
    else bad(`contract is ${approved.state} after approval`);

    step('Wait for onboarding in the (emulated) Entra tenant, then claim the secret (shown once)');
    const secret = await deps.claim(ctx, cmd, app.id, parseDurationMs(deps.waitOnboarding, 's', '--wait-onboarding'),
      (attempt) => { if (attempt === 1) info('onboarding is running: app registration, service principal, secret…'); });
    fine(`registered in Entra: client id ${secret.clientId}, secret key ${secret.keyId}, expires ${secret.expiresAt}`);
    info(`client secret: ${secret.secret.slice(0, 3)}… (claimed once; Gatehouse keeps no copy — rotate if lost)`);
    const audit = await client.get<{ items: { type: string; idpActivity: string | null }[] }>('/v1/audit', { entityType: 'app', entityId: app.id, limit: 100 });
    for (const e of audit.items) info(`audit: ${e.type}${e.idpActivity ? `  (Entra log: "${e.idpActivity}")` : ''}`);

    step('Get an access token from Entra with the client credentials grant');
    const tokenEndpoint = secret.tokenEndpoint ?? `https://${authorityHost}/${tenantId}/oauth2/v2.0/token`;
    const scope = secret.scope ?? `${resourceApp.identifierUri}/.default`;
    info(`POST ${tokenEndpoint}  scope=${scope}`);
    const tokenRes = await undiciFetch(tokenEndpoint, {
      method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: secret.clientId, client_secret: secret.secret, scope }).toString(),
    });
    const tokenBody = (await tokenRes.json()) as { access_token?: string; expires_in?: number; error_description?: string };
    const accessToken = tokenBody.access_token;
    if (tokenRes.ok && accessToken) {
      const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
      fine(`token for aud ${String(claims.aud)}, client ${String(claims.azp ?? claims.appid)}, valid ${tokenBody.expires_in ?? '?'} s`);
    } else {
      bad(`the token endpoint answered ${tokenRes.status}: ${tokenBody.error_description ?? 'no token'}`);
    }

    const callUrl = `${deps.gatewayUrl}${basePath}/list`;
    step(`Call the API through the gateway: GET ${callUrl}`);
    if (accessToken) {
      const deadline = Date.now() + 10_000;
      let status = 0;
      let body = '';
      // The gateway picks up the new API and contract from its next snapshot (about a second).
      while (Date.now() < deadline) {
        const res = await fetch(callUrl, { headers: { authorization: `Bearer ${accessToken}` } }).catch(() => null);
        status = res?.status ?? 0;
        body = res ? await res.text() : '';
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (status === 200) fine(`200 OK: ${body.slice(0, 120)}`);
      else bad(`expected 200, got ${status || 'no answer (is the gateway at ' + deps.gatewayUrl + '? use --gateway-url)'} ${body.slice(0, 200)}`);
    }

    step('Calls without a valid token are refused');
    for (const [label, headers] of [['no token', {}], ['a forged token', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln' }]] as const) {
      const res = await fetch(callUrl, { headers }).catch(() => null);
      if (res?.status === 401) fine(`${label}: 401 ${res.headers.get('www-authenticate') ?? ''}`);
      else bad(`${label}: expected 401, got ${res?.status ?? 'no answer'}`);
      await res?.arrayBuffer();
    }

    step('Usage recorded by the gateway');
    let rollups: { items: { statusClass: string; count: number }[] } = { items: [] };
    for (let i = 0; i < 12 && rollups.items.length === 0; i++) {
      rollups = await client.get('/v1/usage', { apiId: api.id, limit: 100 });
      if (rollups.items.length === 0) await new Promise((r) => setTimeout(r, 250));
    }
    const byClass = new Map<string, number>();
    for (const r of rollups.items) byClass.set(r.statusClass, (byClass.get(r.statusClass) ?? 0) + r.count);
    if (byClass.size > 0) fine([...byClass].map(([cls, count]) => `${count} × ${cls}`).join(', '));
    else info('no usage flushed yet (the gateway writes it every second); try: gatehouse usage list --api ' + api.id);

    out('\nDone. Everything stays in place to explore:');
    out(`  gatehouse app get ${app.id}`);
    out(`  gatehouse app registration ${app.id}`);
    out(`  gatehouse credential list --app ${app.id}`);
    out(`  gatehouse audit list --entity-id ${app.id}`);
    out(`  gatehouse contract revoke ${requested.id}     # then the call above gets 403`);
    if (accessToken) out(`  curl -H "Authorization: Bearer $TOKEN" ${callUrl}`);
    return {
      ok,
      ids: { environmentId: env.id, apiId: api.id, tierId: tier.id, appId: app.id, contractId: requested.id, clientId: secret.clientId },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
