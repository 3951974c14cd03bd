import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ManualClock } from '../../core/clock.ts';
import { compileSnapshot } from '../snapshot/compile.ts';
import { matchRoute } from '../snapshot/routes.ts';
import { builtInPolicyFactories } from '../policies/registry.ts';
import { MemoryRateLimitStore } from '../rate-limit/memory-store.ts';
import type { RateLimitStore } from '../rate-limit/store.ts';
import type { PolicyFactory } from './policy.ts';
import { RequestContext } from './context.ts';
import { runSteps } from './run.ts';
import { TestWorld, T0, basic } from '../testing/world.ts';
import type { Snapshot } from '../snapshot/snapshot.ts';
import { z } from 'zod';

const DAY = 86_400_000;
const NOW = T0 + 10 * DAY;

/** Runs the pipeline the way the server does (route, blocked check, steps) and reports the outcome. */
async function decide(snapshot: Snapshot, path: string, headers: Record<string, string>, now = NOW) {
  const match = matchRoute(snapshot, path);
  if (!match) return { status: 404, reason: 'NO_ROUTE', ctx: null, denial: null };
  const req = { headers: lower(headers) } as unknown as IncomingMessage;
  const ctx = new RequestContext(req, match.api, 'req-1', match.rest, now, 0);
  if (match.api.blocked) return { status: match.api.blocked.status, reason: match.api.blocked.reason, ctx, denial: match.api.blocked };
  const denial = await runSteps(match.api.steps, ctx);
  return denial ? { status: denial.status, reason: denial.reason, ctx, denial } : { status: 200, reason: 'ALLOWED', ctx, denial: null };
}
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

function world() {
  const w = new TestWorld();
  const env = w.env();
  const otherEnv = w.env('production');
  const orders = w.api(env, '/orders', 'http://127.0.0.1:9/o');
  const basicOnly = w.api(env, '/basic-only', 'http://127.0.0.1:9/b', [{ type: 'client-id', config: { credentialsFrom: 'basic' } }]);
  const headersOnly = w.api(env, '/headers-only', 'http://127.0.0.1:9/h', [{ type: 'client-id', config: { credentialsFrom: 'headers' } }]);
  const open = w.api(env, '/open', 'http://127.0.0.1:9/x', []);
  const broken = w.api(env, '/broken', 'http://127.0.0.1:9/x', [{ type: 'client-id', config: { credentialsFrom: 'cookie' } }]);
  const unknownPolicy = w.api(env, '/unknown-policy', 'http://127.0.0.1:9/x', [{ type: 'client-id', config: {} }, { type: 'teleport', config: {} }]);
  const limited = w.api(env, '/limited', 'http://127.0.0.1:9/l', [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 2, windowSeconds: 60 } }]);
  const gold = w.tier(orders);
  const app = w.app(env, 'cli_good');
  const secret = w.secret(app);
  const retiring = w.secret(app, { state: 'retiring', retireAt: NOW + DAY });
  const retired = w.secret(app, { state: 'retiring', retireAt: NOW - 1 });
  const expired = w.secret(app, { expiresAt: NOW - 1 });
  const removed = w.secret(app, { state: 'removed', removedAt: T0 });
  for (const api of [orders, basicOnly, headersOnly, limited]) w.contract(app, api, api === orders ? gold : w.tier(api));
  const rejectedApp = w.app(env, 'cli_rejected');
  const rejectedSecret = w.secret(rejectedApp);
  w.contract(rejectedApp, orders, gold, 'rejected');
  const revokedApp = w.app(env, 'cli_revoked');
  const revokedSecret = w.secret(revokedApp);
  w.contract(revokedApp, orders, gold, 'revoked');
  const requestedApp = w.app(env, 'cli_requested');
  const requestedSecret = w.secret(requestedApp);
  w.contract(requestedApp, orders, gold, 'requested');
  const foreignApp = w.app(otherEnv, 'cli_foreign');
  const foreignSecret = w.secret(foreignApp);
  w.contract(foreignApp, orders, gold); // a contract across environments is not honoured
  return { w, secret, retiring, retired, expired, removed, rejectedSecret, revokedSecret, requestedSecret, foreignSecret, app, broken, unknownPolicy, open };
}

describe('pipeline over a compiled snapshot', () => {
  const f = world();
  const snapshot = compileSnapshot(f.w.data(), builtInPolicyFactories, { clock: new ManualClock(NOW) });
  const hdr = (id: string, s: string) => ({ client_id: id, client_secret: s });
  const cases: Array<[name: string, path: string, headers: Record<string, string>, status: number, reason: string]> = [
    ['no credentials', '/orders/x', {}, 401, 'MISSING_CREDENTIALS'],
    ['only a client id', '/orders/x', { client_id: 'cli_good' }, 401, 'MISSING_CREDENTIALS'],
    ['valid secret in headers', '/orders/x', hdr('cli_good', f.secret), 200, 'ALLOWED'],
    ['valid secret in Basic', '/orders/x', { authorization: basic('cli_good', f.secret) }, 200, 'ALLOWED'],
    ['Bearer is not client credentials', '/orders/x', { authorization: 'Bearer abc' }, 401, 'MISSING_CREDENTIALS'],
    ['garbage Basic', '/orders/x', { authorization: 'Basic !!!' }, 401, 'MISSING_CREDENTIALS'],
    ['wrong secret', '/orders/x', hdr('cli_good', f.secret + 'x'), 401, 'INVALID_CREDENTIALS'],
    ['another app\'s secret', '/orders/x', hdr('cli_good', f.rejectedSecret), 401, 'INVALID_CREDENTIALS'],
    ['unknown client id', '/orders/x', hdr('cli_nobody', f.secret), 401, 'INVALID_CREDENTIALS'],
    ['retiring secret within its grace window', '/orders/x', hdr('cli_good', f.retiring), 200, 'ALLOWED'],
    ['retiring secret past its grace window', '/orders/x', hdr('cli_good', f.retired), 401, 'INVALID_CREDENTIALS'],
    ['expired secret', '/orders/x', hdr('cli_good', f.expired), 401, 'INVALID_CREDENTIALS'],
    ['revoked (removed) secret', '/orders/x', hdr('cli_good', f.removed), 401, 'INVALID_CREDENTIALS'],
    ['rejected contract', '/orders/x', hdr('cli_rejected', f.rejectedSecret), 403, 'NO_CONTRACT'],
    ['revoked contract', '/orders/x', hdr('cli_revoked', f.revokedSecret), 403, 'NO_CONTRACT'],
    ['contract still requested', '/orders/x', hdr('cli_requested', f.requestedSecret), 403, 'NO_CONTRACT'],
    ['app of another environment', '/orders/x', hdr('cli_foreign', f.foreignSecret), 403, 'NO_CONTRACT'],
    ['basic-only API ignores headers', '/basic-only', hdr('cli_good', f.secret), 401, 'MISSING_CREDENTIALS'],
    ['basic-only API accepts Basic', '/basic-only', { authorization: basic('cli_good', f.secret) }, 200, 'ALLOWED'],
    ['headers-only API ignores Basic', '/headers-only', { authorization: basic('cli_good', f.secret) }, 401, 'MISSING_CREDENTIALS'],
    ['headers-only API accepts headers', '/headers-only', hdr('cli_good', f.secret), 200, 'ALLOWED'],
    ['API without authentication policy', '/open/x', {}, 403, 'NO_AUTHENTICATION_POLICY'],
    ['API without authentication policy, even with credentials', '/open/x', hdr('cli_good', f.secret), 403, 'NO_AUTHENTICATION_POLICY'],
    ['invalid policy config', '/broken', hdr('cli_good', f.secret), 503, 'API_MISCONFIGURED'],
    ['unknown policy type', '/unknown-policy', hdr('cli_good', f.secret), 503, 'API_MISCONFIGURED'],
    ['no API at path', '/ordersx', hdr('cli_good', f.secret), 404, 'NO_ROUTE'],
  ];
  for (const [name, path, headers, status, reason] of cases) {
    test(`${name} → ${status} ${reason}`, async () => {
      const out = await decide(snapshot, path, headers);
      assert.equal(out.reason, reason);
      assert.equal(out.status, status);
      if (status === 401) assert.equal(out.denial?.challenge, 'Basic realm="gatehouse"');
      if (status === 200) {
        assert.equal(out.ctx?.app?.id, f.app.id);
        assert.equal(out.ctx?.grant?.contract.appId, f.app.id);
        assert.equal(out.ctx?.stripAuthorization, 'authorization' in headers);
      }
    });
  }

  test('misconfigured APIs are reported, with a reason, without failing the build', () => {
    const ids = snapshot.errors.map((e) => e.apiId).sort();
    assert.deepEqual(ids, [f.broken.id, f.unknownPolicy.id].sort());
    assert.match(snapshot.errors.find((e) => e.apiId === f.unknownPolicy.id)!.message, /unknown type "teleport"/);
    assert.match(snapshot.errors.find((e) => e.apiId === f.broken.id)!.message, /credentialsFrom/);
  });

  test('expiry is checked against request time, not snapshot build time', async () => {
    const later = T0 + 3651 * DAY; // the active secret expires at T0 + 3650 days
    const out = await decide(snapshot, '/orders/x', hdr('cli_good', f.secret), later);
    assert.equal(out.reason, 'INVALID_CREDENTIALS');
    assert.match(out.denial!.logDetail!, /expired/);
  });

  test('denials never echo the presented secret', async () => {
    const out = await decide(snapshot, '/orders/x', hdr('cli_good', f.secret + 'x'));
    assert.ok(!JSON.stringify(out.denial).includes(f.secret));
  });
});

describe('rate limits', () => {
  test('tier limit: allowed calls carry the tier state, the next one is 429 with Retry-After and RateLimit headers', async () => {
    const w = new TestWorld();
    const env = w.env();
    const api = w.api(env, '/a', 'http://127.0.0.1:9');
    const app = w.app(env, 'cli_a');
    const secret = w.secret(app);
    w.contract(app, api, w.tier(api, 2, 60));
    const other = w.app(env, 'cli_b');
    const otherSecret = w.secret(other);
    w.contract(other, api, w.tier(api, 2, 60));
    const snapshot = compileSnapshot(w.data(), builtInPolicyFactories, { rateLimitStore: new MemoryRateLimitStore() });
    const now = T0 + 15_000; // 45 s left in the minute window
    const h = { client_id: 'cli_a', client_secret: secret };
    const first = await decide(snapshot, '/a', h, now);
    assert.equal(first.status, 200);
    assert.deepEqual(first.ctx!.rateLimits!.map((r) => [r.policyItem, r.result.remaining]), [['"tier";q=2;w=60', 1]]);
    assert.equal((await decide(snapshot, '/a', h, now)).status, 200);
    const third = await decide(snapshot, '/a', h, now);
    assert.equal(third.status, 429);
    assert.equal(third.reason, 'RATE_LIMITED');
    assert.equal(third.denial!.headers!['retry-after'], '45');
    assert.equal(third.denial!.headers!['ratelimit-policy'], '"tier";q=2;w=60');
    assert.equal(third.denial!.headers!['ratelimit'], '"tier";r=0;t=45');
    // per contract: another app still has its own budget
    assert.equal((await decide(snapshot, '/a', { client_id: 'cli_b', client_secret: otherSecret }, now)).status, 200);
    // next window
    assert.equal((await decide(snapshot, '/a', h, T0 + 60_000)).status, 200);
  });

  test('per-API rate-limit policy counts all clients together, after the tier limit', async () => {
    const w = new TestWorld();
    const env = w.env();
    const api = w.api(env, '/a', 'http://127.0.0.1:9', [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 3, windowSeconds: 10 } }]);
    const apps = [w.app(env, 'cli_1'), w.app(env, 'cli_2')];
    const secrets = apps.map((a) => w.secret(a));
    for (const a of apps) w.contract(a, api, w.tier(api, 100, 60));
    const snapshot = compileSnapshot(w.data(), builtInPolicyFactories);
    const call = (i: number) => decide(snapshot, '/a', { client_id: apps[i]!.clientId!, client_secret: secrets[i]! }, T0);
    assert.equal((await call(0)).status, 200);
    assert.equal((await call(1)).status, 200);
    const third = await call(0);
    assert.deepEqual(third.ctx!.rateLimits!.map((r) => r.name), ['tier', 'api']);
    assert.equal((await call(1)).reason, 'RATE_LIMITED');
  });

  test('a failing rate-limit store denies 503 RATE_LIMIT_UNAVAILABLE (fail closed), sync or async', async () => {
    for (const store of [
      { hit: () => { throw new Error('down'); } },
      { hit: () => Promise.reject(new Error('down')) },
    ] as RateLimitStore[]) {
      const w = new TestWorld();
      const env = w.env();
      const api = w.api(env, '/a', 'http://127.0.0.1:9');
      const app = w.app(env, 'cli_a');
      const secret = w.secret(app);
      w.contract(app, api, w.tier(api));
      const snapshot = compileSnapshot(w.data(), builtInPolicyFactories, { rateLimitStore: store });
      const out = await decide(snapshot, '/a', { client_id: 'cli_a', client_secret: secret });
      assert.equal(out.reason, 'RATE_LIMIT_UNAVAILABLE');
      assert.equal(out.status, 503);
    }
  });
});

describe('extending with an authenticating policy', () => {
  test('a policy that only sets ctx.clientId gets the contract check and tier limit for free, async or not', async () => {
    const tokenPolicy: PolicyFactory<{ header: string }> = {
      type: 'fake-token',
      phase: 'authenticate',
      schema: z.object({ header: z.string() }).strict(),
      create: (config) => async (ctx) => {
        const v = ctx.req.headers[config.header];
        if (typeof v !== 'string') return { status: 401, reason: 'MISSING_CREDENTIALS', description: 'token required', challenge: 'Bearer' };
        ctx.clientId = v;
        return undefined;
      },
    };
    const w = new TestWorld();
    const env = w.env();
    const api = w.api(env, '/t', 'http://127.0.0.1:9', [{ type: 'fake-token', config: { header: 'x-token' } }]);
    const app = w.app(env, 'entra-client-guid');
    w.contract(app, api, w.tier(api, 1, 60));
    w.app(env, 'no-contract-client');
    const snapshot = compileSnapshot(w.data(), [...builtInPolicyFactories, tokenPolicy]);
    const ok = await decide(snapshot, '/t', { 'x-token': 'entra-client-guid' });
    assert.equal(ok.status, 200);
    assert.equal(ok.ctx!.app!.id, app.id);
    assert.equal((await decide(snapshot, '/t', { 'x-token': 'entra-client-guid' })).reason, 'RATE_LIMITED');
    assert.equal((await decide(snapshot, '/t', { 'x-token': 'no-contract-client' })).reason, 'NO_CONTRACT');
    assert.equal((await decide(snapshot, '/t', { 'x-token': 'never-onboarded' })).reason, 'NO_CONTRACT');
    assert.equal((await decide(snapshot, '/t', {})).reason, 'MISSING_CREDENTIALS');
  });

  test('an authenticating policy that continues without identifying the caller is refused (fail closed)', async () => {
    const sloppy: PolicyFactory<object> = { type: 'sloppy', phase: 'authenticate', schema: z.object({}), create: () => () => undefined };
    const w = new TestWorld();
    const env = w.env();
    w.api(env, '/s', 'http://127.0.0.1:9', [{ type: 'sloppy', config: {} }]);
    const snapshot = compileSnapshot(w.data(), [sloppy]);
    assert.equal((await decide(snapshot, '/s', {})).reason, 'MISSING_CREDENTIALS');
  });

  test('a factory that throws marks only its API misconfigured', async () => {
    const throwing: PolicyFactory<object> = { type: 'throws', phase: 'authenticate', schema: z.object({}), create: () => { throw new Error('no key'); } };
    const w = new TestWorld();
    const env = w.env();
    w.api(env, '/bad', 'http://127.0.0.1:9', [{ type: 'throws', config: {} }]);
    w.api(env, '/bad-url', 'ftp://example', []);
    w.api(env, '/good', 'http://127.0.0.1:9');
    const snapshot = compileSnapshot(w.data(), [...builtInPolicyFactories, throwing]);
    assert.equal((await decide(snapshot, '/bad', {})).reason, 'API_MISCONFIGURED');
    assert.equal((await decide(snapshot, '/bad-url', {})).reason, 'API_MISCONFIGURED');
    assert.equal((await decide(snapshot, '/good', {})).reason, 'MISSING_CREDENTIALS');
    assert.equal(snapshot.errors.length, 2);
  });
});
