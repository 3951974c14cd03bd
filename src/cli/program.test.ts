import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../platform/testing/free-port.ts';
import { startFakeApi, type FakeApi, type Routes, type Seen } from './testing/fake-api.ts';

/**
 * The CLI against a fake management API that speaks the contract: checks what the CLI sends (method, path,
 * query, body, token) and how it renders answers and failures — without the real API or store.
 */
let api: FakeApi;
let baseUrl = '';
let seen: Seen[] = [];
const cli = (args: string[], env?: Record<string, string>) => api.cli(args, env);

const env1 = { id: 'env_1', name: 'sandbox', description: '', defaultProviderId: null, providerIds: [], settings: { credentialLifetimeDays: 90, alertThresholdsDays: [30] }, createdAt: '2026-11-27T06:00:00.000Z', updatedAt: '2026-11-27T06:00:00.000Z' };

describe('cli against a contract-speaking fake API', () => {
  before(async () => {
    api = await startFakeApi();
    baseUrl = api.url;
  });
  after(() => api.close());
  const reset = (r: Routes) => {
    api.reset(r);
    seen = api.seen;
  };

  test('env create sends only the given fields, with the bearer token, and says what it did', async () => {
    reset({ 'POST /v1/environments': () => ({ status: 201, body: env1 }) });
    const r = await cli(['env', 'create', 'sandbox', '--credential-lifetime', '90d', '--alert-thresholds', '30d,7']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seen[0]!.body, { name: 'sandbox', settings: { credentialLifetimeDays: 90, alertThresholdsDays: [30, 7] } });
    assert.equal(seen[0]!.authorization, 'Bearer gh_test');
    assert.equal(r.stdout, 'created environment sandbox (env_1)\n');
  });

  test('--json prints the raw resource; --token and --url override the environment', async () => {
    reset({ 'GET /v1/environments/env_1': () => ({ status: 200, body: env1 }) });
    const r = await cli(['env', 'get', 'env_1', '--json', '--token', 'gh_other', '--url', baseUrl], { GATEHOUSE_URL: 'http://127.0.0.1:1' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), env1);
    assert.equal(seen[0]!.authorization, 'Bearer gh_other');
  });

  test('lists print a table and point to the next page on stderr; --all follows cursors', async () => {
    reset({
      'GET /v1/environments': (s) =>
        s.query.get('cursor') === 'c2' ? { status: 200, body: { items: [{ ...env1, id: 'env_2', name: 'prod' }], nextCursor: null } } : { status: 200, body: { items: [env1], nextCursor: 'c2' } },
    });
    const one = await cli(['env', 'list', '--limit', '1']);
    assert.equal(one.code, 0);
    assert.match(one.stdout, /^ID\s+NAME\s+DEFAULT PROVIDER\s+CREDENTIAL DAYS\s+CREATED\nenv_1\s+sandbox\s+-\s+90\s+2026-11-27T06:00:00.000Z\n$/);
    assert.match(one.stderr, /--cursor c2/);
    assert.equal(seen[0]!.query.get('limit'), '1');
    const all = await cli(['env', 'list', '--all', '--json']);
    assert.deepEqual(JSON.parse(all.stdout).items.map((e: { id: string }) => e.id), ['env_1', 'env_2']);
  });

  test('api create turns --policy flags into the policy chain, in order', async () => {
    reset({ 'POST /v1/apis': (s) => ({ status: 201, body: { id: 'api_1', ...(s.body as object) } }) });
    const r = await cli(['api', 'create', '--env', 'env_1', '--name', 'orders', '--api-version', 'v1', '--base-path', '/orders/v1', '--upstream', 'http://127.0.0.1:3000',
      '--policy', 'client-id', '--policy', 'rate-limit:{"requests":10,"windowSeconds":60}']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seen[0]!.body, {
      environmentId: 'env_1', name: 'orders', version: 'v1', basePath: '/orders/v1', upstreamUrl: 'http://127.0.0.1:3000',
      policies: [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 10, windowSeconds: 60 } }],
    });
  });

  test('usage errors exit 2 before any request is sent', async () => {
    reset({});
    for (const args of [
      ['api', 'create', '--env', 'e', '--name', 'n', '--api-version', 'v1', '--base-path', '/x', '--upstream', 'http://u', '--policy', 'client-id', '--policies-json', '[]'],
      ['api', 'update', 'api_1', '--policy', 'rate-limit:{not json'],
      ['api', 'update', 'api_1'],
      ['tier', 'create', 'gold', '--api', 'api_1', '--requests', '5', '--window', 'soon'],
      ['credential', 'create', '--app', 'app_1', '--expires-in', '-3d'],
      ['contract', 'list', '--state', 'pending'],
      ['env', 'list', '--limit', '501'],
      ['nope'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.code} ${r.stderr}`);
      assert.match(r.stderr, /^error: .+ \(USAGE\)$/m, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(seen.length, 0);
  });

  test('API problems print `error: <detail> (<code>)`, field errors and a hint, and exit 1', async () => {
    reset({
      'GET /v1/apps': () => ({ status: 401, type: 'application/problem+json', body: { type: 'https://gatehouse.dev/problems/unauthenticated', title: 'Unauthenticated', status: 401, code: 'UNAUTHENTICATED', detail: 'The API token is not valid.' } }),
      'POST /v1/apps': () => ({ status: 400, type: 'application/problem+json', body: { status: 400, code: 'VALIDATION_FAILED', detail: 'The request body is invalid.', errors: [{ path: 'name', message: 'Required' }] } }),
      'GET /v1/tokens': () => ({ status: 500, type: 'text/plain', raw: 'upstream exploded' }),
      'DELETE /v1/environments/nope': () => ({ status: 400, type: 'application/problem+json', body: { status: 400, code: 'BAD_ID', detail: 'id: must be an environment id', errors: [{ path: 'id', message: 'must be an environment id' }] } }),
    });
    const denied = await cli(['app', 'list']);
    assert.equal(denied.code, 1);
    assert.equal(denied.stdout, '');
    assert.match(denied.stderr, /^error: The API token is not valid\. \(UNAUTHENTICATED\)\nhint: .*GATEHOUSE_TOKEN/);
    const noToken = await cli(['app', 'list'], { GATEHOUSE_TOKEN: '' });
    assert.equal(seen.at(-1)!.authorization, undefined);
    assert.match(noToken.stderr, /no API token given/);
    const invalid = await cli(['app', 'create', 'x', '--env', 'env_1']);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /^error: The request body is invalid\. \(VALIDATION_FAILED\)\n  name: Required\n/);
    const badId = await cli(['env', 'delete', 'nope']);
    assert.equal(badId.stderr, 'error: id: must be an environment id (BAD_ID)\n', 'a field error the detail already names is not repeated');
    const plain = await cli(['token', 'list']);
    assert.equal(plain.code, 1);
    assert.equal(plain.stderr, 'error: upstream exploded (HTTP_500)\n');
  });

  test('an unreachable server exits 3 and says how to start one', async () => {
    const port = await freePort();
    const r = await cli(['env', 'list'], { GATEHOUSE_URL: `http://127.0.0.1:${port}` });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^error: cannot reach the management API at http:\/\/127\.0\.0\.1:\d+: connection refused \(UNREACHABLE\)\nhint: .*gatehouse serve/);
  });

  test('ids are path-encoded so they cannot change the route', async () => {
    reset({});
    await cli(['env', 'get', '../tokens']);
    assert.equal(seen[0]!.path, '/v1/environments/..%2Ftokens');
  });

  test('credential create shows the secret once on stdout and warns on stderr; lifetimes round up to days', async () => {
    const credential = { id: 'crd_1', kind: 'secret', hint: 'abc', state: 'active', origin: 'gatehouse', expiresAt: '2026-11-28T08:00:00.000Z' };
    reset({ 'POST /v1/apps/app_1/credentials': () => ({ status: 201, body: { credential, clientId: 'cli_x', secret: 'abcSECRET' } }) });
    const r = await cli(['credential', 'create', '--app', 'app_1', '--expires-in', '12h']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seen[0]!.body, { expiresInDays: 1 });
    assert.match(r.stdout, /client id:\s+cli_x\nclient secret:\s+abcSECRET\n/);
    assert.match(r.stderr, /rounded up to 1 day/);
    assert.match(r.stderr, /shown only this once/);
    assert.doesNotMatch(r.stderr, /abcSECRET/);
    const json = await cli(['credential', 'create', '--app', 'app_1', '--json']);
    assert.deepEqual(seen[1]!.body, {});
    assert.equal(JSON.parse(json.stdout).secret, 'abcSECRET');
  });

  test('credential list --expiring-within keeps only live credentials expiring in time', async () => {
    const c = (id: string, expiresAt: string | null, state = 'active') => ({ id, kind: 'secret', hint: 'x', state, origin: 'gatehouse', expiresAt, lastUsedAt: null });
    reset({ 'GET /v1/apps/app_1/credentials': () => ({ status: 200, body: { items: [c('crd_soon', '2026-12-01T00:00:00.000Z'), c('crd_late', '2027-06-01T00:00:00.000Z'), c('crd_gone', '2026-12-01T00:00:00.000Z', 'removed'), c('crd_never', null)], nextCursor: null } }) });
    const r = await cli(['credential', 'list', '--app', 'app_1', '--expiring-within', '30d', '--json']);
    assert.deepEqual(JSON.parse(r.stdout).items.map((x: { id: string }) => x.id), ['crd_soon']);
  });

  test('contract verbs and audit filters reach the right routes', async () => {
    const contract = (state: string) => ({ id: 'ctr_1', appId: 'app_1', apiId: 'api_1', tierId: 'tier_1', state });
    reset({
      'POST /v1/contracts': () => ({ status: 201, body: contract('requested') }),
      'POST /v1/contracts/ctr_1/approve': () => ({ status: 200, body: contract('approved') }),
      'POST /v1/contracts/ctr_1/revoke': () => ({ status: 200, body: contract('revoked') }),
      'GET /v1/audit': () => ({ status: 200, body: { items: [], nextCursor: null } }),
    });
    assert.equal((await cli(['contract', 'request', '--app', 'app_1', '--api', 'api_1', '--tier', 'tier_1'])).stdout, 'contract ctr_1 is requested\n');
    assert.equal((await cli(['contract', 'approve', 'ctr_1'])).stdout, 'contract ctr_1 is approved\n');
    await cli(['contract', 'revoke', 'ctr_1', '--reason', 'offboarded']);
    assert.deepEqual(seen[2]!.body, { reason: 'offboarded' });
    await cli(['audit', 'list', '--entity-type', 'contract', '--from', '24h', '--to', '2026-11-27T08:00:00Z']);
    const q = seen[3]!.query;
    assert.equal(q.get('entityType'), 'contract');
    assert.equal(q.get('from'), '2026-11-26T08:00:00.000Z');
    assert.equal(q.get('to'), '2026-11-27T08:00:00.000Z');
  });

  test('audit verify exits 1 when the chain is broken', async () => {
    reset({ 'GET /v1/audit/verify': () => ({ status: 200, body: { ok: false, checked: 4, problem: { seq: 3, kind: 'changed', detail: 'hash mismatch' } } }) });
    const broken = await cli(['audit', 'verify']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /error: event 3: changed \(hash mismatch\) \(AUDIT_CHAIN_BROKEN\)/);
    reset({ 'GET /v1/audit/verify': () => ({ status: 200, body: { ok: true, checked: 7, problem: null } }) });
    const ok = await cli(['audit', 'verify']);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, 'audit log intact: 7 events checked\n');
  });

  test('--help and --version exit 0; no command prints help and exits 2', async () => {
    assert.equal((await cli(['--help'])).code, 0);
    assert.match((await cli(['--version'])).stdout, /^\d+\.\d+\.\d+\n$/);
    const none = await cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /Usage: gatehouse/);
  });
});
