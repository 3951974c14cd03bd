import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApi, type FakeApi, type Routes, type Seen } from './testing/fake-api.ts';
import { isoDuration } from './duration.ts';

/**
 * The identity and lifecycle commands (provider create --kind entra, provider doctor, credential list/rotate/
 * finish-rotation, app secret/stale/import, reconcile) against a fake API: what they send and how they render.
 */
let api: FakeApi;
let baseUrl = '';
let seen: Seen[] = [];
const cli = (args: string[], env?: Record<string, string>) => api.cli(args, env);

const cred = { id: 'crd_1', ownerType: 'app', ownerId: 'app_1', kind: 'secret', keyId: 'k1', hint: 'abc', origin: 'gatehouse', state: 'active', createdAt: '2026-11-27T06:00:00.000Z', expiresAt: '2026-12-10T06:00:00.000Z', retireAt: null, removedAt: null, lastUsedAt: null };
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = '11111111-2222-3333-4444-666666666666';

describe('identity and lifecycle commands', () => {
  let dir: string;
  before(async () => {
    api = await startFakeApi();
    baseUrl = api.url;
    dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    return api.close();
  });
  const reset = (r: Routes) => {
    api.reset(r);
    seen = api.seen;
  };

  test('isoDuration: days stay days, the rest becomes seconds', () => {
    assert.equal(isoDuration('30d'), 'P30D');
    assert.equal(isoDuration('2w'), 'P14D');
    assert.equal(isoDuration('12h'), 'PT43200S');
    assert.throws(() => isoDuration('soon'), /not a duration/);
  });

  test('provider create --kind entra: config from flags, secret from the named env var (never an argument)', async () => {
    reset({ 'POST /v1/providers': (s) => ({ status: 201, body: { id: 'prv_1', name: 'contoso', kind: 'entra', config: (s.body as { config: unknown }).config } }) });
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const r = await cli(['provider', 'create', 'contoso', '--kind', 'entra', '--tenant-id', TENANT, '--client-id', CLIENT, '--client-secret-env', 'ENTRA_SECRET', '--ca-cert-file', ca],
      { ENTRA_SECRET: 'the-platform-secret\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seen[0]!.body, {
      name: 'contoso', kind: 'entra',
      config: { tenantId: TENANT, clientId: CLIENT, caCertPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n' },
      credential: { clientSecret: 'the-platform-secret' },
    });
    assert.match(r.stdout, /created entra provider contoso \(prv_1\)\ncheck it with: gatehouse provider doctor prv_1/);
    assert.ok(!r.stdout.includes('the-platform-secret'));
  });

  test('provider create --kind entra refuses a missing credential, an unset variable, and two credentials (exit 2, nothing sent)', async () => {
    reset({});
    const base = ['provider', 'create', 'c', '--kind', 'entra', '--tenant-id', TENANT, '--client-id', CLIENT];
    const none = await cli(base);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs its platform credential/);
    const unset = await cli([...base, '--client-secret-env', 'NOPE']);
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /NOPE is not set/);
    const two = await cli([...base, '--client-secret-env', 'S', '--certificate-file', 'x.pem'], { S: 'abcdefghij' });
    assert.equal(two.code, 2);
    const keyless = await cli([...base, '--certificate-file', join(dir, 'missing.pem')]);
    assert.equal(keyless.code, 2);
    assert.equal(seen.length, 0);
  });

  test('provider doctor prints each finding with its hint and exits 1 when one is an error', async () => {
    const report = (severity: string) => ({
      healthy: severity !== 'error', permissions: ['Application.ReadWrite.OwnedBy'],
      findings: [
        { check: 'token', severity: 'ok', message: 'Got a token.' },
        { check: 'credential.expiry', severity, message: 'The platform secret expires in 5 days.', hint: 'Rotate it.', idpCode: 'X1' },
      ],
    });
    reset({ 'POST /v1/providers/prv_1/check': () => ({ status: 200, body: report('error') }) });
    const sick = await cli(['provider', 'doctor', 'prv_1']);
    assert.equal(sick.code, 1);
    assert.match(sick.stdout, /ok +token: Got a token\./);
    assert.match(sick.stdout, /ERROR +credential\.expiry: The platform secret expires in 5 days\. \[X1\]\n +→ Rotate it\./);
    assert.match(sick.stdout, /1 error\(s\), 0 warning\(s\)/);
    assert.match(sick.stderr, /PROVIDER_UNHEALTHY/);
    reset({ 'POST /v1/providers/prv_1/check': () => ({ status: 200, body: report('warning') }) });
    const fine = await cli(['provider', 'doctor', 'prv_1']);
    assert.equal(fine.code, 0);
    assert.match(fine.stdout, /healthy \(1 warning\(s\)\)/);
  });

  test('credential list --expiring-within without --app asks the inventory with an ISO duration', async () => {
    reset({ 'GET /v1/credentials': () => ({ status: 200, body: { items: [{ credential: cred, owner: { type: 'app', id: 'app_1', name: 'shop' }, environments: [{ id: 'env_1', name: 'prod' }], expiresInDays: 13, lastUsedAt: null, lastUsedSource: null }], nextCursor: null } }) });
    const r = await cli(['credential', 'list', '--expiring-within', '30d']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(seen[0]!.query.get('expiringWithin'), 'P30D');
    assert.match(r.stdout, /shop +prod +crd_1 +abc +active +2026-12-10T06:00:00\.000Z +13/);
  });

  test('credential list shows who saw the last use: the gateway, or Entra (idp) for that very credential', async () => {
    const item = (lastUsedSource: string | null, lastUsedAt: string | null) => ({ credential: cred, owner: { type: 'app', id: 'app_1', name: 'shop' }, environments: [{ id: 'env_1', name: 'prod' }], expiresInDays: 13, lastUsedAt, lastUsedSource });
    reset({ 'GET /v1/credentials': () => ({ status: 200, body: { items: [item('idp', '2026-11-20T10:00:00.000Z'), item('credential', '2026-11-21T10:00:00.000Z'), item('app', '2026-11-22T10:00:00.000Z'), item(null, null)], nextCursor: null } }) });
    const r = await cli(['credential', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /LAST USED +SEEN BY/);
    assert.match(r.stdout, /2026-11-20T10:00:00\.000Z +idp/);
    assert.match(r.stdout, /2026-11-21T10:00:00\.000Z +gateway\n/);
    assert.match(r.stdout, /2026-11-22T10:00:00\.000Z +gateway \(app\)/);
  });

  test('credential rotate --grace 3d --link; finish-rotation', async () => {
    reset({
      'POST /v1/apps/app_1/credentials/rotate': () => ({ status: 201, body: { credential: { ...cred, id: 'crd_2' }, clientId: 'c1', retiring: [{ ...cred, state: 'retiring', retireAt: '2026-11-30T08:00:00.000Z' }], deliveryUrl: 'https://gh/v1/deliveries/d1', deliveryExpiresAt: '2026-11-28T08:00:00.000Z' } }),
      'POST /v1/credentials/crd_1/finish-rotation': () => ({ status: 200, body: { ...cred, state: 'removed' } }),
    });
    const r = await cli(['credential', 'rotate', '--app', 'app_1', '--grace', '3d', '--link']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seen[0]!.body, { graceDays: 3, delivery: 'link' });
    assert.match(r.stdout, /one-time link: https:\/\/gh\/v1\/deliveries\/d1/);
    assert.match(r.stdout, /retiring: +crd_1 \(until 2026-11-30T08:00:00\.000Z\)/);
    const now = await cli(['credential', 'rotate', '--app', 'app_1', '--grace', '0']);
    assert.deepEqual(seen[1]!.body, { graceDays: 0 });
    assert.equal(now.code, 0);
    const f = await cli(['credential', 'finish-rotation', 'crd_1']);
    assert.equal(f.code, 0);
    assert.match(f.stdout, /removed credential crd_1 \(removed\)/);
  });

  test('app secret waits through 202s, then prints the secret once; 410 exits 1 with the reason', async () => {
    let calls = 0;
    reset({
      'POST /v1/apps/app_1/registration/secret': () => (++calls < 3
        ? { status: 202, body: { status: 'pending', retryAfter: 0, jobId: 'job_1' }, headers: { 'retry-after': '0' } }
        : { status: 200, body: { clientId: 'c1', secret: 's3cr3t', keyId: 'k', expiresAt: '2027-01-01T00:00:00.000Z', tokenEndpoint: 'https://login/t/oauth2/v2.0/token', scope: 'api://r/.default' } }),
    });
    const r = await cli(['app', 'secret', 'app_1']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(calls, 3);
    assert.match(r.stdout, /client secret: +s3cr3t/);
    assert.match(r.stdout, /scope: +api:\/\/r\/\.default/);
    assert.match(r.stderr, /shown only this once/);
    reset({ 'POST /v1/apps/app_1/registration/secret': () => ({ status: 410, body: { code: 'SECRET_GONE', detail: 'The onboarding secret was already claimed.', status: 410 } }) });
    const gone = await cli(['app', 'secret', 'app_1']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /already claimed\. \(SECRET_GONE\)/);
  });

  test('app secret gives up after --wait while onboarding still runs', async () => {
    reset({ 'POST /v1/apps/app_1/registration/secret': () => ({ status: 202, body: { status: 'pending', retryAfter: 0, jobId: 'job_9' } }) });
    const r = await cli(['app', 'secret', 'app_1', '--wait', '0.3s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /still running \(job job_9\) \(ONBOARDING_PENDING\)/);
  });

  test('app stale, app import, reconcile send what the API expects', async () => {
    reset({
      'GET /v1/reports/stale-clients': () => ({ status: 200, body: { apps: [{ app: { id: 'app_1', name: 'old', environmentId: 'env_1', ownerContacts: [], createdAt: '2026-01-01T00:00:00.000Z' }, lastSeenAt: null }], credentials: [] } }),
      'POST /v1/apps/import': () => ({ status: 201, body: { app: { id: 'app_2', name: 'legacy', clientId: CLIENT }, credentials: [cred], owned: false } }),
      'POST /v1/providers/prv_1/reconcile': () => ({ status: 200, body: { providerId: 'prv_1', fix: false, skipped: null, scanned: { idpClients: 3, idpCredentials: 4, storeApps: 2, storeCredentials: 3 }, counts: { orphans: 1, credentialsAdded: 0 }, repaired: {}, truncated: false, errors: [] } }),
    });
    const stale = await cli(['app', 'stale', '--unused-for', '90d']);
    assert.equal(stale.code, 0, stale.stderr);
    assert.equal(seen[0]!.query.get('unusedFor'), 'P90D');
    assert.match(stale.stdout, /app_1 +old +env_1/);
    const imp = await cli(['app', 'import', '--env', 'env_1', '--app-id', CLIENT]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.deepEqual(seen[1]!.body, { environmentId: 'env_1', clientId: CLIENT });
    assert.match(imp.stdout, /imported app legacy \(app_2\).*1 credential\(s\) tracked\nnote: the platform app does not own it/);
    const rec = await cli(['reconcile', '--provider', 'prv_1']);
    assert.equal(rec.code, 0, rec.stderr);
    assert.equal(seen[2]!.query.get('fix'), 'false');
    assert.match(rec.stderr, /reconciling provider prv_1: reading the IdP and the store…/);
    assert.match(rec.stdout, /scanned 3 IdP client\(s\)[\s\S]*orphans: 1[\s\S]*--fix/);
  });
});
