import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fetch } from 'undici';
import pg from 'pg';
import { startGatehouse, type RunningGatehouse } from '../../src/cli/serve/compose.ts';

/**
 * The story, end to end through real sockets: an operator puts an upstream behind the gateway, a client
 * app gets a credential and asks for a contract, is refused until the contract is approved, is rate limited by its
 * tier, shows up in usage, and every change is in the verifiable audit log. Runs on SQLite, and on PostgreSQL
 * when GATEHOUSE_TEST_PG is set (in a schema of its own, dropped at the end).
 */

interface Echo { method: string; url: string; headers: Record<string, string | string[] | undefined> }

async function startUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const body: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Polls `probe` until it returns a value (not undefined) or the time is up; the gateway and usage flush are asynchronous. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function managementClient(apiUrl: string) {
  return async function call<T = any>(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');

async function runStory(start: () => Promise<RunningGatehouse>) {
  const upstream = await startUpstream();
  const gh = await start();
  try {
    const admin = gh.bootstrapToken;
    assert.ok(admin && admin.startsWith('gh_'), 'a fresh store gets a bootstrap admin token');
    const call = managementClient(gh.apiUrl);
    const expect201 = async <T = any>(path: string, body: unknown, token = admin): Promise<T> => {
      const r = await call<T>('POST', path, token, body);
      assert.equal(r.status, 201, `POST ${path}: ${JSON.stringify(r.body)}`);
      return r.body;
    };

    // Operator setup with the bootstrap admin token.
    // Plain client-id/secret enforcement: the local provider, as the environment's default.
    const provider = await expect201<{ id: string }>('/v1/providers', { name: 'local', kind: 'local' });
    const env = await expect201<{ id: string }>('/v1/environments', { name: 'sandbox', defaultProviderId: provider.id, providerIds: [provider.id] });
    const api = await expect201<{ id: string }>('/v1/apis', {
      environmentId: env.id, name: 'echo', version: 'v1', basePath: '/echo', upstreamUrl: upstream.url,
      policies: [{ type: 'client-id', config: { credentialsFrom: 'basic' } }],
    });
    const tier = await expect201<{ id: string }>(`/v1/apis/${api.id}/tiers`, { name: 'bronze', limit: { requests: 5, windowSeconds: 60 }, approval: 'manual' });
    const app = await expect201<{ id: string; clientId: string }>('/v1/apps', { environmentId: env.id, name: 'shop', ownerContacts: ['shop@example.test'] });
    const created = await expect201<{ clientId: string; secret: string; credential: { id: string } }>(`/v1/apps/${app.id}/credentials`, { expiresInDays: 30 });
    assert.ok(created.secret.length >= 32);
    assert.equal(created.clientId, app.clientId);
    const listed = await call('GET', `/v1/apps/${app.id}/credentials`, admin);
    assert.equal(listed.status, 200);
    assert.ok(!JSON.stringify(listed.body).includes(created.secret), 'the secret is shown once, never listed');
    assert.ok(!JSON.stringify(listed.body).includes('secretHash'));

    const contract = await expect201<{ id: string; state: string }>('/v1/contracts', { appId: app.id, apiId: api.id, tierId: tier.id });
    assert.equal(contract.state, 'requested');

    // The client calls through the gateway.
    const good = basic(created.clientId, created.secret);
    const gw = (auth: string | null, path = '/echo/orders?x=1') =>
      fetch(gh.gatewayUrl + path, { headers: auth ? { authorization: auth } : {} });

    const refused = await eventually('the credential to reach the gateway (403 without an approved contract)', async () => {
      const r = await gw(good);
      await r.text();
      return r.status === 403 ? r : undefined;
    });
    assert.equal(refused.status, 403);

    const operator = await expect201<{ secret: string }>('/v1/tokens', { name: 'ops', role: 'operator' });
    const viewer = await expect201<{ secret: string }>('/v1/tokens', { name: 'auditor', role: 'viewer' });
    assert.equal((await call('POST', `/v1/contracts/${contract.id}/approve`, viewer.secret)).status, 403, 'a viewer cannot approve');
    const approved = await call<{ state: string }>('POST', `/v1/contracts/${contract.id}/approve`, operator.secret);
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.state, 'approved');

    const echo = await eventually('the approval to reach the gateway', async () => {
      const r = await gw(good);
      const text = await r.text();
      return r.status === 200 ? (JSON.parse(text) as Echo) : undefined;
    });
    assert.equal(echo.method, 'GET');
    assert.ok(echo.url.endsWith('/orders?x=1'), echo.url);
    assert.match(String(echo.headers['x-forwarded-for']), /127\.0\.0\.1/);
    assert.ok(!JSON.stringify(echo).includes(created.secret), 'the client secret never reaches the upstream');
    assert.equal(echo.headers.authorization, undefined, 'the client credentials are stripped');

    const wrong = await gw(basic(created.clientId, created.secret.slice(0, -2) + 'xx'));
    await wrong.text();
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic/i);
    const none = await gw(null);
    await none.text();
    assert.equal(none.status, 401);

    // Tier: 5 requests per 60 s. One succeeded above; four more succeed, the sixth is limited.
    for (let i = 2; i <= 5; i++) {
      const r = await gw(good);
      await r.text();
      assert.equal(r.status, 200, `call ${i} of 5 is within the tier`);
    }
    const limited = await gw(good);
    await limited.text();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0, 'Retry-After tells the client when to come back');

    // Usage: counts per status class for the app (the recorder flushes in batches).
    const byClass = await eventually('usage to be flushed', async () => {
      const r = await call<{ items: { statusClass: string; count: number; appId: string | null; apiId: string }[] }>('GET', `/v1/usage?appId=${app.id}`, admin);
      assert.equal(r.status, 200);
      const sums: Record<string, number> = {};
      for (const row of r.body.items) sums[row.statusClass] = (sums[row.statusClass] ?? 0) + row.count;
      return (sums['2xx'] ?? 0) >= 5 && (sums['4xx'] ?? 0) >= 1 ? sums : undefined;
    }, 5000);
    assert.equal(byClass['2xx'], 5);
    const activity = await call<{ lastSeenAt: string | null; sourceAddresses: string[] }>('GET', `/v1/apps/${app.id}/activity`, admin);
    assert.equal(activity.status, 200);
    assert.ok(activity.body.lastSeenAt);
    assert.ok(activity.body.sourceAddresses.some((a) => a.includes('127.0.0.1')), JSON.stringify(activity.body));

    // Audit: every change, in order, by the right actor; the hash chain verifies.
    const audit = await call<{ items: { type: string; actor: string; entityId: string }[] }>('GET', '/v1/audit?limit=500', viewer.secret);
    assert.equal(audit.status, 200);
    const story = audit.body.items.filter((e) => !e.type.startsWith('token.'));
    assert.deepEqual(story.map((e) => e.type), [
      'provider.created', 'environment.created', 'api.created', 'tier.created', 'app.created', 'credential.added', 'contract.requested', 'contract.approved',
    ]);
    const approval = story.at(-1)!;
    assert.equal(approval.entityId, contract.id);
    assert.notEqual(approval.actor, story[0]!.actor, 'the approval is attributed to the operator, not the admin');
    assert.ok(!JSON.stringify(audit.body).includes(created.secret), 'no secret in the audit log');
    const verify = await call<{ ok: boolean; checked: number }>('GET', '/v1/audit/verify', admin);
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true);
    assert.ok(verify.body.checked >= audit.body.items.length);

    // Revoking the contract shuts the door again (403 wins over the exhausted tier).
    const revoked = await call<{ state: string }>('POST', `/v1/contracts/${contract.id}/revoke`, operator.secret, { reason: 'story over' });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal(revoked.body.state, 'revoked');
    await eventually('the revocation to reach the gateway', async () => {
      const r = await gw(good);
      await r.text();
      return r.status === 403 ? true : undefined;
    });
  } finally {
    await gh.close();
    await new Promise<void>((r) => upstream.server.close(() => r()));
  }
}

describe('end-to-end story', () => {
  test('on SQLite (default file under --data-dir)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gh-e2e-'));
    try {
      await runStory(() => startGatehouse({ dataDir, apiPort: 0, gatewayPort: 0, gatewayPollIntervalMs: 100 }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  const pgUrl = process.env.GATEHOUSE_TEST_PG;
  test('on PostgreSQL', { skip: !pgUrl && 'set GATEHOUSE_TEST_PG to run' }, async () => {
    const schema = `gh_e2e_${randomBytes(6).toString('hex')}`;
    const url = new URL(pgUrl!);
    url.searchParams.set('schema', schema);
    try {
      await runStory(() => startGatehouse({ databaseUrl: url.href, apiPort: 0, gatewayPort: 0, gatewayPollIntervalMs: 100 }));
    } finally {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
