import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createFixture, type Fixture } from './test-fixture.ts';
import { ANY, PUBLIC, ROLE_TABLE, type Who } from './test-role-table.ts';

/**
 * The role table of the REST contract, written out independently of the implementation. For every route and
 * every role: a role that may not call it gets 403 FORBIDDEN before anything else is looked at; a role that may
 * gets past the check (here: to a 200, 400 or 404, since requests use empty bodies and unknown ids, so nothing
 * changes either way).
 */

/** Unknown but well-formed ids of the right kind for each path parameter. */
function concrete(path: string): string {
  const prefixFor = (segmentBefore: string | undefined, param: string): string => {
    if (param === 'apiId') return 'api';
    if (param === 'appId') return 'app';
    if (param === 'credentialId') return 'crd';
    const bySegment: Record<string, string> = {
      environments: 'env', providers: 'prv', apis: 'api', tiers: 'tier', apps: 'app', contracts: 'ctr', tokens: 'tok', credentials: 'crd', deliveries: 'dlv',
    };
    return bySegment[segmentBefore ?? ''] ?? 'x';
  };
  const parts = path.split('/');
  return parts
    .map((part, i) => {
      const m = /^\{(\w+)\}$/.exec(part);
      return m ? `${prefixFor(parts[i - 1], m[1]!)}_0000000000zzzzzzzzzzzzzzzz` : part;
    })
    .join('/');
}

describe('role enforcement on every route', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  const tokenOf = (who: Who) => (who === 'consumer' ? f.tokens.consumerA : f.tokens[who]);

  for (const [method, path, allowed] of ROLE_TABLE) {
    test(`${method} ${path}: ${allowed === PUBLIC ? 'no token needed' : allowed.join(', ')}`, async () => {
      const url = concrete(path);
      const body = method === 'POST' || method === 'PATCH' ? {} : undefined;
      const start = await f.snapshot();
      if (allowed === PUBLIC) {
        for (const token of [null, ...ANY.map(tokenOf)]) {
          const reply = await f.call(token, method, url, body);
          assert.ok([200, 400, 404].includes(reply.status), `unexpected ${reply.status} ${reply.text}`);
        }
        assert.deepEqual(await f.snapshot(), start, 'nothing may change');
        return;
      }
      assert.equal((await f.call(null, method, url, body)).status, 401, 'no token → 401');
      for (const who of ANY) {
        const reply = await f.call(tokenOf(who), method, url, body);
        if (allowed.includes(who)) {
          assert.notEqual(reply.status, 403, `${who} should pass the role check: ${reply.text}`);
          assert.ok([200, 400, 404].includes(reply.status), `${who}: unexpected ${reply.status} ${reply.text}`);
        } else {
          assert.equal(reply.status, 403, `${who} should be refused: ${reply.text}`);
          assert.equal(reply.json.code, 'FORBIDDEN');
        }
      }
      assert.deepEqual(await f.snapshot(), start, 'nothing may change');
    });
  }

  test('the table covers every /v1 operation the OpenAPI document lists', async () => {
    const doc = (await f.call(null, 'GET', '/v1/openapi.json')).json;
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .filter((op) => op.includes(' /v1/'))
      .sort();
    assert.deepEqual(documented, ROLE_TABLE.map(([m, p]) => `${m} ${p}`).sort());
  });
});

describe('GET /v1/me', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  test("every role reads its own token's metadata, never the hash or another token", async () => {
    const seen = new Set<string>();
    for (const who of ANY) {
      const reply = await f.call(who === 'consumer' ? f.tokens.consumerA : f.tokens[who], 'GET', '/v1/me');
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.json.role, who);
      assert.match(reply.json.id, /^tok_/);
      assert.equal(reply.json.tokenHash, undefined);
      assert.ok(!reply.text.includes('sha256:'), 'no hash in the body');
      seen.add(reply.json.id);
    }
    assert.equal(seen.size, ANY.length, 'each token sees itself');
  });

  test("a token's last use is kept to the minute, without counting as a change", async () => {
    const probe = (await f.call(f.tokens.admin, 'POST', '/v1/tokens', { name: 'last-use-probe', role: 'viewer' })).json.secret as string;
    const before = await f.snapshot();
    const t0 = f.clock.now();
    assert.equal((await f.call(probe, 'GET', '/v1/me')).json.lastUsedAt, new Date(t0).toISOString(), 'the first call is recorded');
    f.clock.advance(59_000);
    assert.equal((await f.call(probe, 'GET', '/v1/me')).json.lastUsedAt, new Date(t0).toISOString(), 'not rewritten within the minute');
    f.clock.advance(1_000);
    await f.call(probe, 'GET', '/v1/me');
    assert.equal((await f.call(probe, 'GET', '/v1/me')).json.lastUsedAt, new Date(t0 + 60_000).toISOString());
    assert.deepEqual(await f.snapshot(), before, 'no change counted, no audit event: the gateway does not rebuild its snapshot');
  });

  test('no token or a wrong one is 401', async () => {
    assert.equal((await f.call(null, 'GET', '/v1/me')).status, 401);
    assert.equal((await f.call('gh_' + 'x'.repeat(43), 'GET', '/v1/me')).status, 401);
  });
});
