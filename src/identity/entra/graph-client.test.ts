import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import { createGraphClient, type GraphClientOptions } from './graph-client.ts';
import { freePort } from '../../platform/testing/free-port.ts';

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
type Script = (req: IncomingMessage, body: string, n: number) => Reply;

/** A tiny scripted Graph: each test sets `script`; requests are recorded. */
let script: Script = () => ({ status: 200, body: {} });
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
    const r = script(req, body, seen.length);
    res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
    res.end(r.body === undefined ? '' : JSON.stringify(r.body));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`;
after(() => server.close());

const ctx = { providerLabel: 'corp', clientId: 'c1', tenant: 't1', authorityHost: 'login' };

function client(extra: Partial<GraphClientOptions> = {}) {
  seen.length = 0;
  const clock = new ManualClock(0);
  const delays: number[] = [];
  const tokens: boolean[] = [];
  const c = createGraphClient({
    baseUrl: base,
    getToken: async (force) => { tokens.push(!!force); return force ? 'tok-2' : 'tok-1'; },
    errorContext: ctx,
    clock,
    sleep: async (ms) => { delays.push(ms); clock.advance(ms); },
    random: () => 1,
    retry: { baseDelayMs: 100, maxDelayMs: 1000, deadlineMs: 10_000, consistencyWindowMs: 2_000, maxAttempts: 6 },
    ...extra,
  });
  return { c, delays, clock, tokens };
}

const err = (status: number, code: string, headers?: Record<string, string>): Reply =>
  ({ status, body: { error: { code, message: 'm', innerError: {} } }, headers });

describe('graph client', () => {
  test('sends JSON with the bearer token and returns the body', async () => {
    script = () => ({ status: 201, body: { id: 'x' } });
    const { c } = client();
    const r = await c.request<{ id: string }>({ method: 'POST', path: '/applications', body: { displayName: 'a' }, operation: 'create' });
    assert.equal(r.body.id, 'x');
    assert.equal(r.attempts, 1);
    assert.equal(seen[0]!.auth, 'Bearer tok-1');
    assert.equal(seen[0]!.url, '/v1.0/applications');
    assert.deepEqual(JSON.parse(seen[0]!.body), { displayName: 'a' });
  });

  test('429 waits exactly Retry-After, then succeeds', async () => {
    script = (_q, _b, n) => (n < 3 ? err(429, 'TooManyRequests', { 'retry-after': '7' }) : { status: 200, body: { ok: 1 } });
    const { c, delays } = client({ retry: { deadlineMs: 60_000 } });
    const r = await c.request({ method: 'GET', path: '/applications', operation: 'list' });
    assert.equal(r.attempts, 3);
    assert.deepEqual(delays, [7000, 7000]);
  });

  test('5xx backs off exponentially (capped) and gives up as IDP_UNAVAILABLE', async () => {
    script = () => err(503, 'serviceNotAvailable');
    const { c, delays } = client();
    await assert.rejects(c.request({ method: 'GET', path: '/x', operation: 'read the app' }), (e: unknown) =>
      e instanceof GatehouseError && e.code === 'IDP_UNAVAILABLE' && e.extras.idpCode === 'serviceNotAvailable' && e.extras.idpStatus === 503);
    assert.deepEqual(delays, [100, 200, 400, 800, 1000]);
    assert.equal(seen.length, 6);
  });

  test('a Retry-After beyond the deadline gives up at once, reporting the wait', async () => {
    script = () => err(429, 'TooManyRequests', { 'retry-after': '600' });
    const { c, delays } = client();
    await assert.rejects(c.request({ method: 'GET', path: '/x', operation: 'list' }), (e: unknown) =>
      e instanceof GatehouseError && e.code === 'IDP_UNAVAILABLE' && e.extras.retryAfterSeconds === 600);
    assert.deepEqual(delays, []);
  });

  test('404 after a write is retried only within the consistency window', async () => {
    script = (_q, _b, n) => (n < 3 ? err(404, 'Request_ResourceNotFound') : { status: 200, body: { appId: 'a' } });
    const { c } = client();
    const ok = await c.request({ method: 'GET', path: '/applications/1', operation: 'read', awaitConsistency: true });
    assert.equal(ok.attempts, 3);

    script = () => err(404, 'Request_ResourceNotFound');
    const { c: c2, delays } = client();
    await assert.rejects(c2.request({ method: 'GET', path: '/applications/1', operation: 'read', awaitConsistency: true }),
      (e: unknown) => e instanceof GatehouseError && e.code === 'IDP_REJECTED' && e.extras.idpCode === 'Request_ResourceNotFound');
    assert.ok(delays.reduce((a, b) => a + b, 0) >= 2000, 'kept retrying for the window');

    script = () => err(404, 'Request_ResourceNotFound');
    const { c: c3 } = client();
    await assert.rejects(c3.request({ method: 'GET', path: '/applications/1', operation: 'read' }), /rejected read/);
    assert.equal(seen.length, 1, 'no retry of a plain 404');
  });

  test('NoBackingApplicationObject is replication lag; other 400s are final', async () => {
    script = (_q, _b, n) => (n < 2 ? err(400, 'NoBackingApplicationObject') : { status: 201, body: { id: 'sp' } });
    const { c } = client();
    assert.equal((await c.request({ method: 'POST', path: '/servicePrincipals', body: {}, operation: 'sp', awaitConsistency: true })).attempts, 2);
    script = () => err(400, 'CredentialInvalidLifetimeAsPerAppPolicy');
    const { c: c2 } = client();
    await assert.rejects(c2.request({ method: 'POST', path: '/applications/1/addPassword', body: {}, operation: 'add a client secret' }),
      (e: unknown) => e instanceof GatehouseError && e.code === 'IDP_REJECTED' && /credentialLifetimeDays/.test(String(e.extras.hint)));
    assert.equal(seen.length, 1);
  });

  test('403 names the missing permission and admin consent', async () => {
    script = () => err(403, 'Authorization_RequestDenied');
    const { c } = client();
    await assert.rejects(c.request({ method: 'POST', path: '/applications', body: {}, operation: 'create an application' }),
      (e: unknown) => e instanceof GatehouseError && /Application\.ReadWrite\.OwnedBy/.test(String(e.extras.hint)) && /admin consent/.test(String(e.extras.hint)));
    await assert.rejects(c.request({ method: 'POST', path: '/x', body: {}, operation: 'grant an app role' }),
      (e: unknown) => e instanceof GatehouseError && /AppRoleAssignment\.ReadWrite\.All/.test(String(e.extras.hint)));
  });

  test('401 refreshes the token once', async () => {
    script = (q) => (q.headers.authorization === 'Bearer tok-1' ? err(401, 'InvalidAuthenticationToken') : { status: 200, body: {} });
    let fresh = false;
    const { c } = client({ getToken: async (force) => { if (force) fresh = true; return fresh ? 'tok-2' : 'tok-1'; } });
    assert.equal((await c.request({ method: 'GET', path: '/x', operation: 'read' })).status, 200);
    script = () => err(401, 'InvalidAuthenticationToken');
    await assert.rejects(c.request({ method: 'GET', path: '/x', operation: 'read' }), (e: unknown) =>
      e instanceof GatehouseError && e.code === 'IDP_REJECTED');
  });

  test('accepted statuses are answers; links to other hosts are never followed', async () => {
    script = () => err(404, 'Request_ResourceNotFound');
    const { c } = client();
    assert.equal((await c.request({ method: 'DELETE', path: '/applications/1', operation: 'delete', accept: [404] })).status, 404);
    await assert.rejects(c.request({ method: 'GET', path: 'https://evil.example/v1.0/applications?$skiptoken=1', operation: 'list' }),
      /another host/);
  });

  test('network failure is retried, then reported as unavailable', async () => {
    const port = await freePort();
    const dead = createGraphClient({
      baseUrl: `http://127.0.0.1:${port}/v1.0`, getToken: async () => 't', errorContext: ctx,
      sleep: async () => {}, retry: { maxAttempts: 2 },
    });
    await assert.rejects(dead.request({ method: 'GET', path: '/x', operation: 'reach Graph' }), (e: unknown) =>
      e instanceof GatehouseError && e.code === 'IDP_UNAVAILABLE' && e.extras.idpCode === 'ECONNREFUSED');
  });
});
