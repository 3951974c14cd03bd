import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { hashSecret } from '../core/secrets.ts';
import { REDACTED_PATHS } from '../platform/logger.ts';
import { createManagementApi } from './index.ts';
import { allAudit, createFixture, type Fixture } from './test-fixture.ts';

const DAY = 86_400_000;

/** Opens a delivery URL the way a browser would: no token, just the link. */
async function openLink(f: Fixture, url: string) {
  const { pathname, search } = new URL(url);
  return f.call(null, 'GET', pathname + search);
}

describe('credential inventory: GET /v1/credentials', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
    assert.equal((await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appA.id}/credentials`, { expiresInDays: 10 })).status, 201);
    assert.equal((await f.call(f.tokens.consumerB, 'POST', `/v1/apps/${f.world.appB.id}/credentials`, { expiresInDays: 100 })).status, 201);
  });
  after(() => f.close());

  test('staff see every credential, soonest expiry first, with owner, environment and days left', async () => {
    const reply = await f.call(f.tokens.viewer, 'GET', '/v1/credentials');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.nextCursor, null);
    assert.deepEqual(reply.json.items.map((i: any) => i.owner.name), ['app-a', 'app-b']);
    const [a] = reply.json.items;
    assert.equal(a.expiresInDays, 10);
    assert.deepEqual(a.environments, [{ id: f.world.env.id, name: 'sandbox' }]);
    assert.equal(a.credential.expiresAt, new Date(f.clock.now() + 10 * DAY).toISOString());
    assert.equal(a.lastUsedAt, null);
    assert.ok(!reply.text.includes('secretHash'));
  });

  test('expiringWithin filters by ISO duration; a bad duration is a 400 naming the field', async () => {
    const soon = await f.call(f.tokens.admin, 'GET', '/v1/credentials?expiringWithin=P30D');
    assert.deepEqual(soon.json.items.map((i: any) => i.owner.name), ['app-a']);
    const bad = await f.call(f.tokens.admin, 'GET', '/v1/credentials?expiringWithin=30d');
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.code, 'VALIDATION_FAILED');
    assert.equal(bad.json.errors[0].path, 'expiringWithin');
    assert.equal((await f.call(f.tokens.admin, 'GET', '/v1/credentials?environmentId=nope')).json.code, 'BAD_ID');
    assert.equal((await f.call(f.tokens.admin, 'GET', '/v1/credentials?ownerType=robot')).status, 400);
  });

  test("consumers see only their own apps' credentials, whatever the filter says", async () => {
    const own = await f.call(f.tokens.consumerA, 'GET', '/v1/credentials');
    assert.equal(own.status, 200);
    assert.deepEqual(own.json.items.map((i: any) => i.owner.id), [f.world.appA.id]);
    assert.deepEqual((await f.call(f.tokens.consumerA, 'GET', '/v1/credentials?ownerType=provider')).json.items, []);
    assert.ok(!(await f.call(f.tokens.consumerA, 'GET', '/v1/credentials?includeRemoved=true')).text.includes(f.world.appB.id));
  });

  test('removed credentials appear only with includeRemoved=true', async () => {
    const issued = await f.call(f.tokens.admin, 'POST', `/v1/apps/${f.world.appB.id}/credentials`, {});
    const id = issued.json.credential.id;
    await f.call(f.tokens.admin, 'DELETE', `/v1/apps/${f.world.appB.id}/credentials/${id}`);
    const ids = async (q: string) => (await f.call(f.tokens.admin, 'GET', `/v1/credentials${q}`)).json.items.map((i: any) => i.credential.id);
    assert.ok(!(await ids('')).includes(id));
    assert.ok((await ids('?includeRemoved=true')).includes(id));
  });
});

describe('rotation: POST /v1/apps/{appId}/credentials/rotate and /v1/credentials/{id}/finish-rotation', () => {
  let f: Fixture;
  let oldA: string;
  before(async () => {
    f = await createFixture();
    oldA = (await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appA.id}/credentials`, {})).json.credential.id;
  });
  after(() => f.close());

  test('inline: 201 with the new secret once; the old one retires after the grace window', async () => {
    const reply = await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appA.id}/credentials/rotate`, { graceDays: 2 });
    assert.equal(reply.status, 201, reply.text);
    const { credential, secret, clientId, retiring } = reply.json;
    assert.equal(clientId, f.world.appA.clientId);
    assert.equal(credential.state, 'active');
    assert.equal(credential.hint, secret.slice(0, 3));
    assert.equal('deliveryUrl' in reply.json, false);
    assert.deepEqual(retiring.map((c: any) => [c.id, c.state, c.retireAt]), [[oldA, 'retiring', new Date(f.clock.now() + 2 * DAY).toISOString()]]);
    assert.equal((await f.store.credentials.get(credential.id))?.secretHash, hashSecret(secret), 'the gateway will accept the new secret');
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    const listed = await f.call(f.tokens.consumerA, 'GET', `/v1/apps/${f.world.appA.id}/credentials`);
    assert.ok(!listed.text.includes(secret));
  });

  test('finish-rotation removes the retiring credential now, once', async () => {
    const done = await f.call(f.tokens.consumerA, 'POST', `/v1/credentials/${oldA}/finish-rotation`);
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.state, 'removed');
    assert.equal(done.json.removedAt, new Date(f.clock.now()).toISOString());
    const again = await f.call(f.tokens.consumerA, 'POST', `/v1/credentials/${oldA}/finish-rotation`);
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'INVALID_STATE_TRANSITION');
    assert.equal((await f.call(f.tokens.admin, 'POST', '/v1/credentials/crd_0000000000zzzzzzzzzzzzzzzz/finish-rotation')).status, 404);
    assert.equal((await f.call(f.tokens.admin, 'POST', '/v1/credentials/app_0000000000zzzzzzzzzzzzzzzz/finish-rotation')).json.code, 'BAD_ID');
  });

  test("another consumer's app or credential answers 404 and nothing changes; viewers may not rotate", async () => {
    const rotatedB = await f.call(f.tokens.consumerB, 'POST', `/v1/apps/${f.world.appB.id}/credentials/rotate`, { graceDays: 1 });
    assert.equal(rotatedB.status, 201, rotatedB.text);
    const before = await f.snapshot();
    const attempts: [string, string, string, unknown?][] = [
      [f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appB.id}/credentials/rotate`, {}],
      [f.tokens.consumerA, 'POST', `/v1/credentials/${rotatedB.json.credential.id}/finish-rotation`],
    ];
    for (const [token, method, url, body] of attempts) {
      const reply = await f.call(token, method, url, body);
      assert.equal(reply.status, 404, `${url}: ${reply.text}`);
      assert.ok(!reply.text.includes('app-b') && !reply.text.includes('team-b'));
    }
    const viewer = await f.call(f.tokens.viewer, 'POST', `/v1/apps/${f.world.appA.id}/credentials/rotate`, {});
    assert.equal(viewer.status, 403);
    assert.deepEqual(await f.snapshot(), before);
  });

  test('bad bodies are refused before anything changes', async () => {
    const before = await f.snapshot();
    const url = `/v1/apps/${f.world.appA.id}/credentials/rotate`;
    for (const body of [{ graceDays: -1 }, { graceDays: 366 }, { graceDays: 1.5 }, { delivery: 'email' }, { graceDays: 1, extra: true }]) {
      const reply = await f.call(f.tokens.admin, 'POST', url, body);
      assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
      assert.equal(reply.json.code, 'VALIDATION_FAILED');
    }
    assert.equal((await f.call(f.tokens.admin, 'POST', url, '{"graceDays":')).json.code, 'MALFORMED_JSON');
    assert.equal((await f.call(f.tokens.admin, 'POST', url, 'graceDays=1', { 'content-type': 'text/plain' })).status, 415);
    assert.deepEqual(await f.snapshot(), before);
  });
});

describe('one-time delivery links: GET /v1/deliveries/{id}?key=…', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  const rotateWithLink = async () => {
    const reply = await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appA.id}/credentials/rotate`, { delivery: 'link' });
    assert.equal(reply.status, 201, reply.text);
    return reply.json;
  };

  test('the link works exactly once, without a token, and the response may not be cached or leak through Referer', async () => {
    const rotated = await rotateWithLink();
    assert.equal('secret' in rotated, false, 'a link rotation never shows the secret inline');
    assert.match(rotated.deliveryUrl, /^https:\/\/gatehouse\.test\/v1\/deliveries\/dlv_[0-9a-z]{26}\?key=[A-Za-z0-9_-]{43}$/);
    assert.ok(Date.parse(rotated.deliveryExpiresAt) > f.clock.now());

    const first = await openLink(f, rotated.deliveryUrl);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.credentialId, rotated.credential.id);
    assert.equal(first.json.appId, f.world.appA.id);
    assert.equal(first.json.clientId, f.world.appA.clientId);
    assert.equal((await f.store.credentials.get(rotated.credential.id))?.secretHash, hashSecret(first.json.secret), 'it is the new secret');
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.equal(first.headers.get('referrer-policy'), 'no-referrer');

    const second = await openLink(f, rotated.deliveryUrl);
    assert.equal(second.status, 404);
    assert.equal(second.json.code, 'NOT_FOUND');
    assert.ok(!second.text.includes(first.json.secret));
    assert.equal(second.headers.get('cache-control'), 'no-store');
    assert.equal(second.headers.get('referrer-policy'), 'no-referrer');
  });

  test('unknown id, wrong key, used and expired links all answer the same 404; a wrong key does not burn the link', async () => {
    const rotated = await rotateWithLink();
    const url = new URL(rotated.deliveryUrl);
    const id = url.pathname.split('/').pop()!;
    const otherKey = 'A'.repeat(43);
    const wrongKey = await f.call(null, 'GET', `/v1/deliveries/${id}?key=${otherKey}`);
    const shortKey = await f.call(null, 'GET', `/v1/deliveries/${id}?key=abc`);
    const unknown = await f.call(null, 'GET', `/v1/deliveries/dlv_0000000000zzzzzzzzzzzzzzzz?key=${url.searchParams.get('key')}`);
    const withToken = await f.call(f.tokens.admin, 'GET', `/v1/deliveries/${id}?key=${otherKey}`);
    const body = (r: { json: any }) => ({ ...r.json, instance: undefined, requestId: undefined });
    for (const r of [wrongKey, shortKey, unknown, withToken]) {
      assert.equal(r.status, 404, r.text);
      assert.deepEqual(body(r), body(wrongKey));
    }
    assert.equal((await openLink(f, rotated.deliveryUrl)).status, 200, 'still works after wrong guesses');
    assert.deepEqual(body(await openLink(f, rotated.deliveryUrl)), body(wrongKey), 'used');

    const late = await rotateWithLink();
    f.clock.advance(72 * 3_600_000);
    assert.deepEqual(body(await openLink(f, late.deliveryUrl)), body(wrongKey), 'expired');
  });

  test('a missing key or malformed id is a 400; other methods need a token', async () => {
    assert.equal((await f.call(null, 'GET', '/v1/deliveries/dlv_0000000000zzzzzzzzzzzzzzzz')).json.code, 'VALIDATION_FAILED');
    assert.equal((await f.call(null, 'GET', '/v1/deliveries/nope?key=x')).json.code, 'BAD_ID');
    assert.equal((await f.call(null, 'DELETE', '/v1/deliveries/dlv_0000000000zzzzzzzzzzzzzzzz?key=x')).status, 401);
    // the exemption covers exactly one path segment: nothing else becomes reachable without a token
    assert.equal((await f.call(null, 'GET', '/v1/deliveries/dlv_0000000000zzzzzzzzzzzzzzzz/x')).status, 401);
    assert.equal((await f.call(null, 'GET', '/v1/credentials')).status, 401);
  });
});

describe('rotated secrets and delivery keys never reach logs or the audit log', () => {
  test('request log lines and audit events hold neither the secret, its hash, nor the link key', async () => {
    const f = await createFixture();
    try {
      const lines: string[] = [];
      const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
      const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
      const app = createManagementApi({ store: f.store, services: f.services, clock: f.clock, logger, lifecycle: f.lifecycle });
      const send = async (path: string, init: RequestInit) => app.request(path, init);
      const rotate = (delivery: string) => send(`/v1/apps/${f.world.appA.id}/credentials/rotate`, {
        method: 'POST', headers: { authorization: `Bearer ${f.tokens.consumerA}`, 'content-type': 'application/json' }, body: JSON.stringify({ delivery }),
      });
      const inline = (await (await rotate('inline')).json()) as { secret: string };
      const linked = (await (await rotate('link')).json()) as { deliveryUrl: string };
      const { pathname, search } = new URL(linked.deliveryUrl);
      const key = new URL(linked.deliveryUrl).searchParams.get('key')!;
      const fetched = await send(pathname + search, { method: 'GET' });
      assert.equal(fetched.status, 200);
      const delivered = ((await fetched.json()) as { secret: string }).secret;
      assert.equal((await send(pathname + search, { method: 'GET' })).status, 404);

      const log = lines.join('');
      assert.match(log, /\/v1\/deliveries\/dlv_/, 'the fetch is logged');
      assert.equal(lines.filter((l) => l.includes('"path":"/v1/deliveries/')).length, 2);
      const rawAudit = JSON.stringify(await allAudit(f.store));
      assert.ok(rawAudit.includes('credential.retiring'), 'the rotation is audited');
      for (const secret of [inline.secret, delivered]) {
        for (const [where, text] of [['log', log], ['audit', rawAudit]] as const) {
          assert.ok(!text.includes(secret), `${where} holds a secret`);
          assert.ok(!text.includes(hashSecret(secret)), `${where} holds a secret hash`);
        }
      }
      assert.ok(!log.includes(key), 'the log holds the delivery key');
      assert.ok(!rawAudit.includes(key), 'the audit log holds the delivery key');
      assert.ok(!log.includes(f.tokens.consumerA));
      const auditApi = await f.call(f.tokens.admin, 'GET', '/v1/audit?limit=500');
      assert.ok(!auditApi.text.includes(inline.secret) && !auditApi.text.includes(delivered) && !auditApi.text.includes(key));
    } finally {
      await f.close();
    }
  });
});

describe('stale-client report: GET /v1/reports/stale-clients', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  test('staff read apps nobody used for the given duration; consumers are refused', async () => {
    const fresh = await f.call(f.tokens.viewer, 'GET', '/v1/reports/stale-clients');
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(fresh.json.unusedDays, 90);
    assert.deepEqual(fresh.json.apps, []);
    assert.equal(fresh.json.generatedAt, new Date(f.clock.now()).toISOString());

    f.clock.advance(15 * DAY);
    const twoWeeks = await f.call(f.tokens.operator, 'GET', '/v1/reports/stale-clients?unusedFor=P2W');
    assert.equal(twoWeeks.json.unusedDays, 14);
    assert.deepEqual(twoWeeks.json.apps.map((a: any) => a.app.name).sort(), ['app-a', 'app-b']);
    assert.equal(twoWeeks.json.apps[0].lastSeenAt, null);
    assert.match(twoWeeks.json.apps[0].app.createdAt, /^2026-11-27T/);
    const scoped = await f.call(f.tokens.admin, 'GET', '/v1/reports/stale-clients?unusedFor=P2W&environmentId=env_0000000000zzzzzzzzzzzzzzzz');
    assert.deepEqual(scoped.json.apps, []);

    for (const bad of ['PT36H', '90', 'P1Y']) {
      const reply = await f.call(f.tokens.admin, 'GET', `/v1/reports/stale-clients?unusedFor=${bad}`);
      assert.equal(reply.status, 400, `${bad}: ${reply.text}`);
      assert.equal(reply.json.code, 'VALIDATION_FAILED');
    }
    assert.equal((await f.call(f.tokens.consumerA, 'GET', '/v1/reports/stale-clients')).status, 403);
  });
});

describe('without a lifecycle service passed in', () => {
  test('the API builds one from the store: local-provider rotation and delivery links work', async () => {
    const f = await createFixture();
    try {
      const app = createManagementApi({ store: f.store, services: f.services, clock: f.clock });
      const res = await app.request(`/v1/apps/${f.world.appA.id}/credentials/rotate`, {
        method: 'POST', headers: { authorization: `Bearer ${f.tokens.admin}`, 'content-type': 'application/json' }, body: '{"delivery":"link"}',
      });
      assert.equal(res.status, 201, await res.clone().text());
      const { deliveryUrl } = (await res.json()) as { deliveryUrl: string };
      assert.match(deliveryUrl, /^http:\/\/localhost\/v1\/deliveries\//, 'default base: the request origin');
      const url = new URL(deliveryUrl);
      assert.equal((await app.request(url.pathname + url.search)).status, 200);
      assert.equal((await app.request(url.pathname + url.search)).status, 404);
    } finally {
      await f.close();
    }
  });
});
