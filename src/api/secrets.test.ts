import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { hashSecret, secretMatches } from '../core/secrets.ts';
import { REDACTED_PATHS } from '../platform/logger.ts';
import { createManagementApi } from './index.ts';
import { allAudit, createFixture, type Fixture } from './test-fixture.ts';

const DAY = 86_400_000;

describe('secrets are shown once and stored nowhere', () => {
  let f: Fixture;
  before(async () => {
    f = await createFixture();
  });
  after(() => f.close());

  test('a client secret appears in the create response only; lists, the app, the store and the audit log never hold it', async () => {
    const issued = await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appA.id}/credentials`, {});
    assert.equal(issued.status, 201, issued.text);
    const { secret, clientId, credential } = issued.json;
    assert.equal(typeof secret, 'string');
    assert.ok(secret.length >= 40);
    assert.equal(clientId, f.world.appA.clientId);
    assert.equal(credential.hint, secret.slice(0, 3));
    assert.equal(credential.state, 'active');
    assert.equal(credential.origin, 'gatehouse');
    assert.equal('secretHash' in credential, false);
    assert.equal(issued.headers.get('cache-control'), 'no-store');

    const stored = await f.store.credentials.get(credential.id);
    assert.equal(stored?.secretHash, hashSecret(secret));
    assert.ok(secretMatches(secret, stored!.secretHash!));

    const hash = hashSecret(secret);
    for (const url of [`/v1/apps/${f.world.appA.id}/credentials`, `/v1/apps/${f.world.appA.id}`, '/v1/audit?limit=500', `/v1/audit?entityId=${credential.id}`]) {
      const reply = await f.call(f.tokens.admin, 'GET', url);
      assert.equal(reply.status, 200, url);
      assert.ok(!reply.text.includes(secret), `${url} shows the secret`);
      assert.ok(!reply.text.includes(hash) && !reply.text.includes('secretHash'), `${url} shows the hash`);
    }
    const rawAudit = JSON.stringify(await allAudit(f.store));
    assert.ok(rawAudit.includes(credential.id), 'the credential is audited');
    assert.ok(!rawAudit.includes(secret));
    assert.ok(!rawAudit.includes(hash));
    assert.ok(!rawAudit.includes('secretHash'));
  });

  test('credential lifetime: explicit days, else the environment setting (default 180)', async () => {
    const now = f.clock.now();
    const byDefault = await f.call(f.tokens.admin, 'POST', `/v1/apps/${f.world.appA.id}/credentials`);
    assert.equal(byDefault.status, 201, byDefault.text);
    assert.equal(Date.parse(byDefault.json.credential.expiresAt), now + 180 * DAY);
    const explicit = await f.call(f.tokens.admin, 'POST', `/v1/apps/${f.world.appA.id}/credentials`, { expiresInDays: 30 });
    assert.equal(Date.parse(explicit.json.credential.expiresAt), now + 30 * DAY);
    await f.call(f.tokens.admin, 'PATCH', `/v1/environments/${f.world.env.id}`, { settings: { credentialLifetimeDays: 10 } });
    const fromEnv = await f.call(f.tokens.admin, 'POST', `/v1/apps/${f.world.appA.id}/credentials`);
    assert.equal(Date.parse(fromEnv.json.credential.expiresAt), now + 10 * DAY);
    const env = await f.call(f.tokens.admin, 'GET', `/v1/environments/${f.world.env.id}`);
    assert.deepEqual(env.json.settings, { credentialLifetimeDays: 10, alertThresholdsDays: [60, 30, 14, 7, 1] });
  });

  test('revoking a credential marks it removed, once', async () => {
    const issued = await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${f.world.appA.id}/credentials`, {});
    const url = `/v1/apps/${f.world.appA.id}/credentials/${issued.json.credential.id}`;
    const removed = await f.call(f.tokens.consumerA, 'DELETE', url);
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.json.state, 'removed');
    assert.equal(removed.json.removedAt, new Date(f.clock.now()).toISOString());
    const again = await f.call(f.tokens.consumerA, 'DELETE', url);
    assert.equal(again.status, 409);
    // the credential id under another app's path is not found
    assert.equal((await f.call(f.tokens.admin, 'DELETE', `/v1/apps/${f.world.appB.id}/credentials/${issued.json.credential.id}`)).status, 404);
  });

  test('an API token appears once; token lists and the audit log hold neither it nor its hash', async () => {
    const created = await f.call(f.tokens.admin, 'POST', '/v1/tokens', { name: 'deploy-bot', role: 'operator' });
    assert.equal(created.status, 201, created.text);
    const { secret, token } = created.json;
    assert.match(secret, /^gh_[A-Za-z0-9_-]{43}$/);
    assert.equal(token.subject, 'deploy-bot');
    assert.equal(Date.parse(token.expiresAt), f.clock.now() + 90 * DAY);
    assert.equal('tokenHash' in token, false);
    const list = await f.call(f.tokens.admin, 'GET', '/v1/tokens');
    const audit = await f.call(f.tokens.admin, 'GET', `/v1/audit?entityId=${token.id}`);
    const rawAudit = JSON.stringify(await allAudit(f.store));
    for (const text of [list.text, audit.text, rawAudit]) {
      assert.ok(!text.includes(secret));
      assert.ok(!text.includes(hashSecret(secret)));
      assert.ok(!text.includes('tokenHash'));
    }
    assert.equal(audit.json.items[0].type, 'token.created');
    assert.equal((await f.call(secret, 'GET', '/v1/apis')).status, 200, 'the token works');
  });

  test('request logs carry no secrets (tokens, client secrets, bodies)', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logger = pino({ level: 'debug', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    const app = createManagementApi({ store: f.store, services: f.services, clock: f.clock, logger });
    const res = await app.request(`/v1/apps/${f.world.appA.id}/credentials`, {
      method: 'POST', headers: { authorization: `Bearer ${f.tokens.consumerA}`, 'content-type': 'application/json', 'x-request-id': 'req-42' }, body: '{}',
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-request-id'), 'req-42');
    const { secret } = (await res.json()) as { secret: string };
    const log = lines.join('');
    assert.match(log, /req-42/);
    assert.match(log, /"status":201/);
    assert.ok(!log.includes(secret));
    assert.ok(!log.includes(f.tokens.consumerA));
  });
});

describe('paging', () => {
  test('limit and cursor walk every item exactly once, newest last', async () => {
    const f = await createFixture();
    try {
      for (let i = 0; i < 7; i++) {
        f.clock.advance(1);
        const r = await f.call(f.tokens.admin, 'POST', '/v1/environments', { name: `env-${i}` });
        assert.equal(r.status, 201, r.text);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const reply = await f.call(f.tokens.viewer, 'GET', `/v1/environments?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(reply.status, 200, reply.text);
        assert.ok(reply.json.items.length <= 3);
        seen.push(...reply.json.items.map((e: { name: string }) => e.name));
        cursor = reply.json.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, ['sandbox', ...Array.from({ length: 7 }, (_, i) => `env-${i}`)]);
      const all = await f.call(f.tokens.viewer, 'GET', '/v1/environments');
      assert.equal(all.json.items.length, 8);
      assert.equal(all.json.nextCursor, null);
    } finally {
      await f.close();
    }
  });
});
