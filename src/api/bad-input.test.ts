import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createFixture, type Fixture } from './test-fixture.ts';

/**
 * Every bad request gets the right 4xx problem AND changes nothing: the store's change counter and the audit
 * log length are compared before and after each refused request.
 */
describe('bad input is refused and changes nothing', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  async function refused(
    expected: { status: number; code: string; path?: string },
    token: string | null,
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const snapshot = await f.snapshot();
    const reply = await f.call(token, method, url, body, headers);
    assert.equal(reply.status, expected.status, `${method} ${url}: ${reply.text}`);
    assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(reply.json.code, expected.code, reply.text);
    assert.equal(reply.json.status, expected.status);
    assert.equal(reply.json.type, `https://gatehouse.dev/problems/${expected.code.toLowerCase().replaceAll('_', '-')}`);
    assert.equal(typeof reply.json.detail, 'string');
    if (expected.path !== undefined) {
      assert.ok(reply.json.errors?.some((e: { path: string }) => e.path === expected.path), `expected an error at ${expected.path}: ${reply.text}`);
    }
    assert.deepEqual(await f.snapshot(), snapshot, `${method} ${url} changed state`);
    return reply;
  }

  const newEnv = (extra: Record<string, unknown> = {}) => ({ name: 'staging', ...extra });
  const newApi = (extra: Record<string, unknown> = {}) => ({
    environmentId: f.world.env.id, name: 'billing', version: 'v1', basePath: '/billing/v1', upstreamUrl: 'https://billing.internal/api', ...extra,
  });

  test('malformed JSON → 400 MALFORMED_JSON', async () => {
    await refused({ status: 400, code: 'MALFORMED_JSON' }, f.tokens.admin, 'POST', '/v1/environments', '{"name":');
    await refused({ status: 400, code: 'MALFORMED_JSON' }, f.tokens.admin, 'POST', '/v1/environments', "{'name':'x'}");
    await refused({ status: 400, code: 'MALFORMED_JSON' }, f.tokens.admin, 'POST', '/v1/environments', '');
    await refused({ status: 400, code: 'MALFORMED_JSON' }, f.tokens.admin, 'PATCH', `/v1/apis/${f.world.api.id}`, '{"name": "x",}');
  });

  test('the MALFORMED_JSON detail does not echo the body (it may hold a secret)', async () => {
    const reply = await refused({ status: 400, code: 'MALFORMED_JSON' }, f.tokens.admin, 'POST', '/v1/environments', '{"name":"hunter2-secret"');
    assert.ok(!reply.text.includes('hunter2'));
  });

  test('non-object JSON bodies → 400 VALIDATION_FAILED', async () => {
    await refused({ status: 400, code: 'VALIDATION_FAILED' }, f.tokens.admin, 'POST', '/v1/environments', '[]');
    await refused({ status: 400, code: 'VALIDATION_FAILED' }, f.tokens.admin, 'POST', '/v1/environments', '"sandbox"');
    await refused({ status: 400, code: 'VALIDATION_FAILED' }, f.tokens.admin, 'POST', '/v1/environments', 'null');
  });

  test('deeply nested bodies under the size limit → 400, not a crash', async () => {
    const arrays = '{"name":"deep","settings":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'settings' }, f.tokens.admin, 'POST', '/v1/environments', arrays);
    const objects = '{"name":"deep","kind":"local","config":' + '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000) + '}';
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'config.a' }, f.tokens.admin, 'POST', '/v1/providers', objects);
  });

  test('body over 1 MiB → 413', async () => {
    const big = JSON.stringify(newEnv({ description: 'x'.repeat(1024 * 1024) }));
    await refused({ status: 413, code: 'PAYLOAD_TOO_LARGE' }, f.tokens.admin, 'POST', '/v1/environments', big);
    await refused({ status: 413, code: 'PAYLOAD_TOO_LARGE' }, f.tokens.admin, 'POST', '/v1/environments', big, { 'content-type': 'application/json', 'content-length': String(big.length) });
  });

  test('wrong content type → 415', async () => {
    await refused({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }, f.tokens.admin, 'POST', '/v1/environments', JSON.stringify(newEnv()), { 'content-type': 'text/plain' });
    await refused({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }, f.tokens.admin, 'POST', '/v1/environments', 'name=staging', { 'content-type': 'application/x-www-form-urlencoded' });
  });

  test('unknown fields → 400 VALIDATION_FAILED naming the field, at any depth', async () => {
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'colour' }, f.tokens.admin, 'POST', '/v1/environments', newEnv({ colour: 'blue' }));
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'settings.retention' }, f.tokens.admin, 'POST', '/v1/environments', newEnv({ settings: { retention: 3 } }));
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'limit.burst' }, f.tokens.admin, 'POST', `/v1/apis/${f.world.api.id}/tiers`, { name: 'x', limit: { requests: 1, windowSeconds: 1, burst: 5 } });
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'policies.0.config.header' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ policies: [{ type: 'client-id', config: { header: 'x' } }] }));
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'secretHash' }, f.tokens.admin, 'PATCH', `/v1/apps/${f.world.appA.id}`, { secretHash: 'sha256:x' });
  });

  test('duplicate JSON keys → 400 VALIDATION_FAILED naming the key (decision: refuse, not last-wins)', async () => {
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'name' }, f.tokens.admin, 'POST', '/v1/environments', '{"name":"a","name":"b"}');
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'role' }, f.tokens.admin, 'POST', '/v1/tokens', '{"name":"t","role":"viewer","role":"admin"}');
    const nested = `{"environmentId":"${f.world.env.id}","name":"b","version":"v1","basePath":"/b","upstreamUrl":"http://x",` +
      '"policies":[{"type":"client-id"},{"type":"rate-limit","config":{"requests":1,"windowSeconds":1,"requests":100}}]}';
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'policies.1.config.requests' }, f.tokens.admin, 'POST', '/v1/apis', nested);
    // escaped spelling of the same key is still the same key
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'name' }, f.tokens.admin, 'POST', '/v1/environments', '{"name":"a","n\\u0061me":"b"}');
  });

  test('unknown ids → 404 NOT_FOUND', async () => {
    const ghost = (prefix: string) => `${prefix}_0000000000zzzzzzzzzzzzzzzz`;
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'GET', `/v1/apps/${ghost('app')}`);
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'PATCH', `/v1/apis/${ghost('api')}`, { name: 'x' });
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'DELETE', `/v1/environments/${ghost('env')}`);
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'GET', `/v1/apis/${ghost('api')}/tiers`);
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ environmentId: ghost('env') }));
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'POST', '/v1/contracts', { appId: f.world.appA.id, apiId: f.world.api.id, tierId: ghost('tier') });
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'POST', `/v1/contracts/${ghost('ctr')}/approve`, {});
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'DELETE', `/v1/apps/${f.world.appA.id}/credentials/${ghost('crd')}`);
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'DELETE', `/v1/tokens/${ghost('tok')}`);
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'POST', '/v1/environments', newEnv({ defaultProviderId: ghost('prv') }));
  });

  test('bad id formats → 400 BAD_ID, in paths, bodies and queries', async () => {
    await refused({ status: 400, code: 'BAD_ID' }, f.tokens.admin, 'GET', '/v1/apps/not-an-id');
    await refused({ status: 400, code: 'BAD_ID' }, f.tokens.admin, 'GET', `/v1/apps/${f.world.api.id}`); // right shape, wrong kind
    await refused({ status: 400, code: 'BAD_ID' }, f.tokens.admin, 'DELETE', '/v1/apis/api_1');
    await refused({ status: 400, code: 'BAD_ID' }, f.tokens.admin, 'GET', "/v1/environments/env_'%20or%201=1");
    await refused({ status: 400, code: 'BAD_ID', path: 'appId' }, f.tokens.admin, 'POST', '/v1/contracts', { appId: 'nope', apiId: f.world.api.id, tierId: f.world.autoTier.id });
    await refused({ status: 400, code: 'BAD_ID' }, f.tokens.admin, 'GET', '/v1/apis?environmentId=production');
  });

  test('duplicate names → 409 NAME_TAKEN', async () => {
    await refused({ status: 409, code: 'NAME_TAKEN' }, f.tokens.admin, 'POST', '/v1/environments', { name: 'sandbox' });
    await refused({ status: 409, code: 'NAME_TAKEN' }, f.tokens.admin, 'POST', '/v1/providers', { name: 'local', kind: 'local' });
    await refused({ status: 409, code: 'NAME_TAKEN' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ name: 'orders', version: 'v1' }));
    await refused({ status: 409, code: 'NAME_TAKEN' }, f.tokens.admin, 'POST', `/v1/apis/${f.world.api.id}/tiers`, { name: 'gold', limit: { requests: 1, windowSeconds: 1 } });
    await refused({ status: 409, code: 'NAME_TAKEN' }, f.tokens.admin, 'POST', '/v1/apps', { environmentId: f.world.env.id, name: 'app-a' });
    await refused({ status: 409, code: 'NAME_TAKEN' }, f.tokens.admin, 'PATCH', `/v1/apps/${f.world.appB.id}`, { name: 'app-a' });
  });

  test('a base path equal to, nested in, or containing another API\'s → 409 BASE_PATH_CONFLICT', async () => {
    for (const basePath of ['/orders/v1', '/orders/v1/admin', '/orders', '/orders/v1/a/b/c']) {
      await refused({ status: 409, code: 'BASE_PATH_CONFLICT' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ basePath }));
    }
    const other = await f.call(f.tokens.admin, 'POST', '/v1/apis', newApi({ basePath: '/orders/v10' })); // prefix by characters, not by segment
    assert.equal(other.status, 201, other.text);
    await refused({ status: 409, code: 'BASE_PATH_CONFLICT' }, f.tokens.admin, 'PATCH', `/v1/apis/${other.json.id}`, { basePath: '/orders' });
  });

  test('malformed and reserved base paths → 400', async () => {
    for (const basePath of ['orders', '/orders/', '/', '//orders', '/orders/../admin', '/a b', '/healthz', '/readyz', '/metrics', '/__gatehouse', '/__gatehouse/x', '/metrics/v1']) {
      await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'basePath' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ basePath }));
    }
  });

  test('an upstream URL that is not http(s) → 400', async () => {
    for (const upstreamUrl of ['ftp://files.internal/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', '//host/x', 'http://user:pw@host/x', 'gopher://x']) {
      await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'upstreamUrl' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ upstreamUrl }));
    }
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'upstreamUrl' }, f.tokens.admin, 'PATCH', `/v1/apis/${f.world.api.id}`, { upstreamUrl: 'ws://x' });
  });

  test('unknown policy types and bad policy configs → 400', async () => {
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'policies.0.type' }, f.tokens.admin, 'POST', '/v1/apis', newApi({ policies: [{ type: 'magic', config: {} }] }));
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'policies.1.config.requests' }, f.tokens.admin, 'POST', '/v1/apis',
      newApi({ policies: [{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 0, windowSeconds: 60 } }] }));
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'policies.0.config.credentialsFrom' }, f.tokens.admin, 'PATCH', `/v1/apis/${f.world.api.id}`,
      { policies: [{ type: 'client-id', config: { credentialsFrom: 'cookie' } }] });
  });

  test('field values out of range → 400 with every problem listed', async () => {
    const reply = await refused({ status: 400, code: 'VALIDATION_FAILED' }, f.tokens.admin, 'POST', `/v1/apis/${f.world.api.id}/tiers`,
      { name: '', limit: { requests: -1, windowSeconds: 1.5 }, approval: 'sometimes' });
    assert.deepEqual(reply.json.errors.map((e: { path: string }) => e.path).sort(), ['approval', 'limit.requests', 'limit.windowSeconds', 'name']);
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'expiresInDays' }, f.tokens.admin, 'POST', `/v1/apps/${f.world.appA.id}/credentials`, { expiresInDays: 731 });
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'ownerContacts.0' }, f.tokens.admin, 'PATCH', `/v1/apps/${f.world.appA.id}`, { ownerContacts: ['not-an-email'] });
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'role' }, f.tokens.admin, 'POST', '/v1/tokens', { name: 't', role: 'root' });
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'kind' }, f.tokens.admin, 'POST', '/v1/providers', { name: 'corp', kind: 'oidc-dcr' });
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'limit' }, f.tokens.admin, 'GET', '/v1/apps?limit=0');
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'limit' }, f.tokens.admin, 'GET', '/v1/apps?limit=501');
    await refused({ status: 400, code: 'VALIDATION_FAILED' }, f.tokens.admin, 'GET', '/v1/apps?cursor=%7B%7D');
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'from' }, f.tokens.admin, 'GET', '/v1/audit?from=yesterday');
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'state' }, f.tokens.admin, 'GET', '/v1/contracts?state=pending');
  });

  test('contract rules: duplicate live contract, provider mismatch, state machine', async () => {
    const { appA, api, autoTier, manualTier } = f.world;
    const first = await f.call(f.tokens.admin, 'POST', '/v1/contracts', { appId: appA.id, apiId: api.id, tierId: manualTier.id });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.state, 'requested');
    await refused({ status: 409, code: 'CONFLICT' }, f.tokens.admin, 'POST', '/v1/contracts', { appId: appA.id, apiId: api.id, tierId: autoTier.id });
    await refused({ status: 409, code: 'INVALID_STATE_TRANSITION' }, f.tokens.admin, 'POST', `/v1/contracts/${first.json.id}/revoke`, {});

    const rejected = await f.call(f.tokens.operator, 'POST', `/v1/contracts/${first.json.id}/reject`, { reason: 'no' });
    assert.equal(rejected.status, 200, rejected.text);
    assert.equal(rejected.json.state, 'rejected');
    for (const decision of ['approve', 'reject', 'revoke']) {
      await refused({ status: 409, code: 'INVALID_STATE_TRANSITION' }, f.tokens.admin, 'POST', `/v1/contracts/${first.json.id}/${decision}`, {});
    }

    const second = await f.call(f.tokens.consumerA, 'POST', '/v1/contracts', { appId: appA.id, apiId: api.id, tierId: autoTier.id });
    assert.equal(second.status, 201, second.text);
    assert.equal(second.json.state, 'approved', 'auto tier approves at once');
    await refused({ status: 409, code: 'INVALID_STATE_TRANSITION' }, f.tokens.admin, 'POST', `/v1/contracts/${second.json.id}/approve`);
    await refused({ status: 409, code: 'INVALID_STATE_TRANSITION' }, f.tokens.admin, 'POST', `/v1/contracts/${second.json.id}/reject`);
    await refused({ status: 403, code: 'FORBIDDEN' }, f.tokens.consumerA, 'POST', `/v1/contracts/${second.json.id}/reject`);
    const revoked = await f.call(f.tokens.consumerA, 'POST', `/v1/contracts/${second.json.id}/revoke`, { reason: 'done' });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.json.state, 'revoked');
    assert.equal(revoked.json.reason, 'done');
    await refused({ status: 409, code: 'INVALID_STATE_TRANSITION' }, f.tokens.admin, 'POST', `/v1/contracts/${second.json.id}/revoke`);
    await refused({ status: 409, code: 'INVALID_STATE_TRANSITION' }, f.tokens.admin, 'POST', `/v1/contracts/${second.json.id}/approve`);

    // An API on another provider than the app's: the gateway could never match them.
    const other = await f.call(f.tokens.admin, 'POST', '/v1/providers', { name: 'local-2', kind: 'local' });
    const env = await f.call(f.tokens.admin, 'PATCH', `/v1/environments/${f.world.env.id}`, { providerIds: [f.world.provider.id, other.json.id] });
    assert.equal(env.status, 200, env.text);
    const api2 = await f.call(f.tokens.admin, 'POST', '/v1/apis', newApi({ name: 'payments', basePath: '/payments', providerId: other.json.id }));
    assert.equal(api2.status, 201, api2.text);
    const tier2 = await f.call(f.tokens.admin, 'POST', `/v1/apis/${api2.json.id}/tiers`, { name: 'std', limit: { requests: 5, windowSeconds: 1 }, approval: 'auto' });
    const mismatch = await refused({ status: 409, code: 'PROVIDER_MISMATCH' }, f.tokens.admin, 'POST', '/v1/contracts', { appId: appA.id, apiId: api2.json.id, tierId: tier2.json.id });
    assert.match(mismatch.json.detail, /provider/);
    // a tier of another API
    await refused({ status: 400, code: 'VALIDATION_FAILED', path: 'tierId' }, f.tokens.admin, 'POST', '/v1/contracts', { appId: appA.id, apiId: api.id, tierId: tier2.json.id });
    // the provider is in use now
    await refused({ status: 409, code: 'PROVIDER_IN_USE' }, f.tokens.admin, 'DELETE', `/v1/providers/${other.json.id}`);
    await refused({ status: 409, code: 'PROVIDER_IN_USE' }, f.tokens.admin, 'PATCH', `/v1/environments/${f.world.env.id}`, { providerIds: [f.world.provider.id] });
  });

  test('deleting what others depend on → 409', async () => {
    await refused({ status: 409, code: 'CONFLICT' }, f.tokens.admin, 'DELETE', `/v1/environments/${f.world.env.id}`);
    await refused({ status: 409, code: 'PROVIDER_IN_USE' }, f.tokens.admin, 'DELETE', `/v1/providers/${f.world.provider.id}`);
    const live = await f.call(f.tokens.admin, 'POST', '/v1/contracts', { appId: f.world.appB.id, apiId: f.world.api.id, tierId: f.world.manualTier.id });
    assert.equal(live.status, 201, live.text);
    await refused({ status: 409, code: 'CONFLICT' }, f.tokens.admin, 'DELETE', `/v1/apis/${f.world.api.id}`);
    await refused({ status: 409, code: 'CONFLICT' }, f.tokens.admin, 'DELETE', `/v1/tiers/${f.world.manualTier.id}`);
  });

  test('unknown routes → 404 problem; other methods on known paths → 404', async () => {
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'GET', '/v1/widgets');
    await refused({ status: 404, code: 'NOT_FOUND' }, f.tokens.admin, 'PUT', `/v1/apps/${f.world.appA.id}`, { name: 'x' });
    await refused({ status: 404, code: 'NOT_FOUND' }, null, 'GET', '/nothing-here');
  });

  test('missing, malformed, unknown tokens → 401 with WWW-Authenticate', async () => {
    const r = await refused({ status: 401, code: 'UNAUTHENTICATED' }, null, 'GET', '/v1/environments');
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
    await refused({ status: 401, code: 'UNAUTHENTICATED' }, null, 'GET', '/v1/environments', undefined, { authorization: 'Basic YWRtaW46YWRtaW4=' });
    await refused({ status: 401, code: 'UNAUTHENTICATED' }, 'gh_thisisnotarealtoken', 'POST', '/v1/environments', newEnv());
    await refused({ status: 401, code: 'UNAUTHENTICATED' }, 'not-even-prefixed', 'GET', '/v1/environments');
  });
});

describe('expired and revoked API tokens', () => {
  test('a revoked token → 401 TOKEN_REVOKED; an expired one → 401 TOKEN_EXPIRED; neither changes anything', async () => {
    const f = await createFixture();
    try {
      const created = await f.call(f.tokens.admin, 'POST', '/v1/tokens', { name: 'ci', role: 'operator', expiresInDays: 1 });
      assert.equal(created.status, 201, created.text);
      const ok = await f.call(created.json.secret, 'GET', '/v1/environments');
      assert.equal(ok.status, 200);

      f.clock.advance(86_400_000 + 1);
      const before = await f.snapshot();
      const expired = await f.call(created.json.secret, 'POST', '/v1/environments', { name: 'late' });
      assert.equal(expired.status, 401);
      assert.equal(expired.json.code, 'TOKEN_EXPIRED');
      assert.deepEqual(await f.snapshot(), before);

      const revoke = await f.call(f.tokens.admin, 'DELETE', `/v1/tokens/${f.world.provider.id.replace('prv_', 'tok_')}`);
      assert.equal(revoke.status, 404);
      const operator = (await f.call(f.tokens.admin, 'GET', '/v1/tokens?subject=operator')).json.items[0];
      const revoked = await f.call(f.tokens.admin, 'DELETE', `/v1/tokens/${operator.id}`);
      assert.equal(revoked.status, 200, revoked.text);
      assert.ok(revoked.json.revokedAt);
      const after = await f.snapshot();
      const refused = await f.call(f.tokens.operator, 'POST', '/v1/environments', { name: 'late' });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.code, 'TOKEN_REVOKED');
      assert.deepEqual(await f.snapshot(), after);
      const again = await f.call(f.tokens.admin, 'DELETE', `/v1/tokens/${operator.id}`);
      assert.equal(again.status, 409);
      assert.equal(again.json.code, 'INVALID_STATE_TRANSITION');
    } finally {
      await f.close();
    }
  });
});
