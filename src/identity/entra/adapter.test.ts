import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEntraEmulator, type EntraEmulator } from '../../emulator/entra/index.ts';
import { GatehouseError } from '../../core/errors.ts';
import { identityContractSuite } from '../contract-suite.ts';
import { emulatorAdapter } from './emulator-fixture.ts';
import { tokenFor } from '../../emulator/entra/test/helpers.ts';

const ALL = ['Application.ReadWrite.OwnedBy', 'AppRoleAssignment.ReadWrite.All', 'Application.Read.All'];
let emu: EntraEmulator;
before(async () => { emu = await startEntraEmulator({ adminAppPermissions: ALL }); });
after(async () => { await emu.close(); });

describe('entra adapter against the emulator', () => {
  identityContractSuite('entra', async () => ({
    provider: emulatorAdapter(emu), now: () => emu.control.clock.now(), close: async () => {},
  }));

  test('retries through replication delay, 429 and 503 without duplicating anything', async () => {
    const p = emulatorAdapter(emu);
    emu.control.faults.set({ replicationDelayMs: 3_000, failRate5xx: 0.3, seed: 7, throttle: { ruPerWindow: 20, windowMs: 10_000 } });
    try {
      const uniqueName = `gh-faults-${Date.now()}`;
      const { registration } = await p.upsertClient({ uniqueName, displayName: 'faulty' });
      const sp = await p.ensureClientPrincipal(registration.clientId);
      const s = await p.addSecret(registration.objectId, { displayName: 'label-1', expiresAt: emu.control.clock.now() + 86_400_000 });
      const again = await p.upsertClient({ uniqueName, displayName: 'faulty' });
      assert.equal(again.registration.objectId, registration.objectId);
      assert.equal((await p.ensureClientPrincipal(registration.clientId)).principalId, sp.principalId);
      const creds = (await p.readCredentials(registration.objectId)).filter((c) => c.displayName === 'label-1');
      assert.deepEqual(creds.map((c) => c.keyId), [s.keyId], 'exactly one secret with the label');
    } finally {
      emu.control.faults.clear();
    }
  });

  test('a tenant lifetime policy becomes a clear message', async () => {
    const p = emulatorAdapter(emu);
    const { registration } = await p.upsertClient({ uniqueName: `gh-policy-${Date.now()}`, displayName: 'p' });
    emu.control.setAppManagementPolicy({ passwordMaxLifetime: 'P90D' });
    try {
      await assert.rejects(p.addSecret(registration.objectId, { displayName: 'x', expiresAt: emu.control.clock.now() + 180 * 86_400_000 }),
        (e: unknown) => e instanceof GatehouseError && e.code === 'IDP_REJECTED'
          && e.extras.idpCode === 'CredentialInvalidLifetimeAsPerAppPolicy' && /credentialLifetimeDays/.test(String(e.extras.hint)));
    } finally {
      emu.control.setAppManagementPolicy({ isEnabled: false });
    }
  });
});

describe('doctor', () => {
  const finding = (report: Awaited<ReturnType<ReturnType<typeof emulatorAdapter>['check']>>, check: string) =>
    report.findings.find((f) => f.check === check);

  test('healthy: token, permissions, Graph, credential expiry and issuer all ok', async () => {
    const r = await emulatorAdapter(emu).check();
    assert.equal(r.healthy, true);
    assert.deepEqual(r.findings.map((f) => [f.check, f.severity]), [
      ['token', 'ok'], ['permission.owned-by', 'ok'], ['permission.app-roles', 'ok'], ['permission.audit-log', 'info'], ['graph', 'ok'],
      ['credential.expiry', 'ok'], ['issuer', 'ok'],
    ]);
    assert.match(finding(r, 'permission.audit-log')!.message, /AuditLog\.Read\.All \(optional\)/);
    assert.match(finding(r, 'permission.audit-log')!.hint!, /P1\/P2.*last sign-in/);
    assert.ok(r.credentialExpiresAt && r.credentialExpiresAt > emu.control.clock.now());
  });

  test('AADSTS7000222: expired secret says which credential and where to replace it', async () => {
    const app = emu.control.seedApp({ permissions: ['Application.ReadWrite.OwnedBy'] });
    const saved = emu.control.clock.now();
    emu.control.clock.advance(3 * 365 * 86_400_000);
    try {
      const r = await emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! }, providerLabel: 'corp-entra' }).check();
      assert.equal(r.healthy, false);
      const f = finding(r, 'token')!;
      assert.equal(f.idpCode, 'AADSTS7000222');
      assert.match(f.message, new RegExp(`client secret has expired \\(app ${app.clientId}\\)`));
      assert.match(f.hint!, /Certificates & secrets/);
      assert.match(f.hint!, /gatehouse provider update corp-entra --client-secret/);
    } finally {
      emu.control.clock.set(saved);
    }
  });

  test('AADSTS7000215 wrong secret, 700016 unknown client, 90002 unknown tenant', async () => {
    const wrong = await emulatorAdapter(emu, { credential: { type: 'secret', clientSecret: 'not-the-secret-value' } }).check();
    assert.equal(finding(wrong, 'token')!.idpCode, 'AADSTS7000215');
    assert.match(finding(wrong, 'token')!.hint!, /Value, not its Secret ID/);
    const unknownClient = await emulatorAdapter(emu, { config: { clientId: '0e0e0e0e-1111-2222-3333-444444444444' } }).check();
    assert.equal(finding(unknownClient, 'token')!.idpCode, 'AADSTS700016');
    assert.match(finding(unknownClient, 'token')!.message, /0e0e0e0e-1111-2222-3333-444444444444/);
    const unknownTenant = await emulatorAdapter(emu, { config: { tenantId: '9d9d9d9d-1111-2222-3333-444444444444' } }).check();
    assert.equal(finding(unknownTenant, 'token')!.idpCode, 'AADSTS90002');
    assert.match(finding(unknownTenant, 'token')!.hint!, /tenantId/);
    for (const r of [wrong, unknownClient, unknownTenant]) assert.equal(r.healthy, false);
  });

  test('missing Graph permission / admin consent: says which permission to add and to grant consent', async () => {
    const app = emu.control.seedApp({ permissions: [] });
    const r = await emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! } }).check();
    assert.equal(r.healthy, false);
    const f = finding(r, 'permission.owned-by')!;
    assert.equal(f.severity, 'error');
    assert.match(f.hint!, /Application\.ReadWrite\.OwnedBy.*Grant admin consent/);
    assert.equal(finding(r, 'permission.app-roles')!.severity, 'info');
    assert.match(finding(r, 'permission.app-roles')!.hint!, /refuse tokens to clients without a contract/);
    // And a Graph write without the permission is a 403 turned into words.
    const p = emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! } });
    await assert.rejects(p.upsertClient({ uniqueName: `gh-noperm-${Date.now()}`, displayName: 'x' }), (e: unknown) =>
      e instanceof GatehouseError && e.code === 'IDP_REJECTED' && e.extras.idpStatus === 403 && /admin consent/.test(String(e.extras.hint)));
  });

  test('AuditLog.Read.All: ok when the report is readable, info (never an error) when the tenant lacks P1/P2', async () => {
    const app = emu.control.seedApp({ permissions: ['Application.ReadWrite.OwnedBy', 'AuditLog.Read.All'] });
    const adapter = () => emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! } });
    const ok = finding(await adapter().check(), 'permission.audit-log')!;
    assert.equal(ok.severity, 'ok');
    emu.control.setLicence('free');
    try {
      const r = await adapter().check();
      const f = finding(r, 'permission.audit-log')!;
      assert.equal(f.severity, 'info');
      assert.equal(f.idpCode, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
      assert.match(f.message, /no Microsoft Entra ID P1\/P2/);
      assert.equal(r.healthy, true);
    } finally {
      emu.control.setLicence('P2');
    }
  });

  test('an unreachable authority is IDP_UNAVAILABLE in words, not a stack trace', async () => {
    const r = await emulatorAdapter(emu, { config: { authorityHost: '127.0.0.1:9', graphHost: '127.0.0.1:9' } }).check();
    assert.equal(r.healthy, false);
    assert.match(finding(r, 'token')!.message, /Could not reach the Entra token endpoint/);
  });
});

describe('credential sign-in activity (beta report)', () => {
  const auditApp = () => emu.control.seedApp({ permissions: ['Application.ReadWrite.OwnedBy', 'AuditLog.Read.All'] });
  const adapterFor = (app: { clientId: string; clientSecret: string | null }) =>
    emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! } });

  test('lists every credential that signed in, across pages, with its last successful sign-in', async () => {
    const platform = auditApp();
    const clients = [emu.control.seedApp({ displayName: 'activity-1' }), emu.control.seedApp({ displayName: 'activity-2' })];
    const signedInAt: number[] = [];
    for (const c of clients) {
      signedInAt.push(emu.control.clock.now());
      await tokenFor(emu, c.clientId, c.clientSecret!);
      emu.control.clock.advance(60_000);
    }
    const p = adapterFor(platform);
    const all = await p.listCredentialActivity();
    for (const [i, c] of clients.entries()) {
      const mine = all.find((a) => a.keyId === c.secretKeyId);
      assert.ok(mine, `${c.secretKeyId} in the report`);
      assert.deepEqual({ ...mine, lastSignInAt: null }, { keyId: c.secretKeyId, clientId: c.clientId, kind: 'secret', lastSignInAt: null });
      assert.ok(Math.abs(mine.lastSignInAt! - signedInAt[i]!) < 5_000, 'the time of the token request');
    }
    const paged = await p.listCredentialActivity({ pageSize: 1 });
    assert.deepEqual(paged.map((a) => a.keyId).sort(), all.map((a) => a.keyId).sort(), 'following @odata.nextLink gives the same records');
  });

  test('403 without P1/P2 → IDP_FEATURE_UNAVAILABLE; without AuditLog.Read.All → IDP_PERMISSION_MISSING; both with a hint', async () => {
    emu.control.setLicence('free');
    try {
      await assert.rejects(adapterFor(auditApp()).listCredentialActivity(), (e: unknown) =>
        e instanceof GatehouseError && e.code === 'IDP_FEATURE_UNAVAILABLE' && e.extras.idpCode === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'
          && /P1 or P2/.test(String(e.extras.hint)));
    } finally {
      emu.control.setLicence('P2');
    }
    const plain = emu.control.seedApp({ permissions: ['Application.ReadWrite.OwnedBy'] });
    await assert.rejects(adapterFor(plain).listCredentialActivity(), (e: unknown) =>
      e instanceof GatehouseError && e.code === 'IDP_PERMISSION_MISSING' && e.extras.idpCode === 'Authorization_RequestDenied'
        && e.extras.permission === 'AuditLog.Read.All' && /AuditLog\.Read\.All.*admin consent/.test(String(e.extras.hint)));
  });
});
