import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { startEntraEmulator, type EntraEmulator } from '../../emulator/entra/index.ts';
import { emulatorAdapter } from './emulator-fixture.ts';
import {
  certificateThumbprint, generateSelfSignedCertificate, POP_AUDIENCE, signProofOfPossession, thumbprintMatches,
} from './self-rotation-certificate.ts';
import { readSelfApplication, selfOwnershipInstructions } from './self-rotation.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 27, 8);

describe('generated certificate and proof of possession', () => {
  test('self-signed RSA certificate with the asked validity, and a key that matches it', async () => {
    const c = await generateSelfSignedCertificate({ subject: 'gatehouse-corp, evil=1', notBefore: NOW - 60_000, notAfter: NOW + 365 * DAY });
    const x = new X509Certificate(c.certificatePem);
    assert.equal(x.subject, 'CN=gatehouse-corp- evil-1');
    assert.equal(x.issuer, x.subject, 'self-signed');
    assert.ok(x.checkPrivateKey(createPrivateKey(c.privateKeyPem)));
    assert.equal(Math.floor(c.notAfter / 1000), Math.floor((NOW + 365 * DAY) / 1000));
    assert.equal(Buffer.from(c.derBase64, 'base64').equals(x.raw), true);
    assert.match(c.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  });

  test('the proof carries aud, iss = object id, a 10-minute window and x5t, without padding', async () => {
    const c = await generateSelfSignedCertificate({ subject: 's', notBefore: NOW - 60_000, notAfter: NOW + DAY });
    const objectId = '11111111-2222-3333-4444-555555555555';
    const jwt = await signProofOfPossession({ objectId, certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, now: NOW });
    assert.ok(!jwt.includes('='));
    const header = decodeProtectedHeader(jwt);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.x5t, certificateThumbprint(c.certificatePem).toString('base64url'));
    const { payload } = await jwtVerify(jwt, new X509Certificate(c.certificatePem).publicKey, { currentDate: new Date(NOW + 1000) });
    assert.equal(payload.aud, POP_AUDIENCE);
    assert.equal(payload.iss, objectId);
    assert.equal(payload.nbf, Math.floor(NOW / 1000));
    assert.equal(payload.exp! - payload.nbf!, 600);
    const other = await generateSelfSignedCertificate({ subject: 'o', notBefore: NOW - 60_000, notAfter: NOW + DAY });
    await assert.rejects(jwtVerify(jwt, new X509Certificate(other.certificatePem).publicKey, { currentDate: new Date(NOW + 1000) }));
  });

  test('thumbprints match in base64, base64url and hex, and nothing else', async () => {
    const c = await generateSelfSignedCertificate({ subject: 's', notBefore: NOW, notAfter: NOW + DAY });
    const t = certificateThumbprint(c.certificatePem);
    assert.ok(thumbprintMatches(t.toString('base64'), t));
    assert.ok(thumbprintMatches(t.toString('base64url'), t));
    assert.ok(thumbprintMatches(t.toString('hex').toUpperCase(), t));
    assert.ok(!thumbprintMatches(Buffer.alloc(20).toString('base64'), t));
    assert.ok(!thumbprintMatches(null, t));
  });
});

describe('self application and the doctor', () => {
  let emu: EntraEmulator;
  before(async () => { emu = await startEntraEmulator(); });
  after(async () => { await emu.close(); });

  test('reads its own credentials and whether it owns itself', async () => {
    const owner = emu.control.seedApp({ permissions: ['Application.ReadWrite.OwnedBy'], ownsItself: true });
    const self = await readSelfApplication(emulatorAdapter(emu, { config: { clientId: owner.clientId }, credential: { type: 'secret', clientSecret: owner.clientSecret! } }));
    assert.equal(self?.objectId, owner.objectId);
    assert.equal(self?.principalId, owner.servicePrincipalId);
    assert.equal(self?.ownsItself, true);
    assert.deepEqual(self?.credentials.map((c) => [c.keyId, c.inUse]), [[owner.secretKeyId, true]]);
    const plain = await readSelfApplication(emulatorAdapter(emu));
    assert.equal(plain?.ownsItself, false);
  });

  test('unreadable own application (OwnedBy reads limited to owned objects) → null', async () => {
    emu.control.updateSettings({ ownedByReadScope: 'owned' });
    try {
      assert.equal(await readSelfApplication(emulatorAdapter(emu)), null);
    } finally {
      emu.control.updateSettings({ ownedByReadScope: 'all' });
    }
  });

  test('doctor: a secret expiring soon that Gatehouse cannot roll says exactly how to allow it', async () => {
    const app = emu.control.seedApp({ permissions: ['Application.ReadWrite.OwnedBy'] });
    const p = emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! } });
    const saved = emu.control.clock.now();
    const end = (await p.readCredentials(app.objectId))[0]!.expiresAt!;
    emu.control.clock.set(end - 10 * DAY);
    try {
      const r = await p.check();
      const f = r.findings.find((x) => x.check === 'credential.self-rotation');
      assert.equal(f?.severity, 'info');
      assert.equal(f?.idpCode, 'NotOwnerOfSelf');
      assert.equal(f?.hint, selfOwnershipInstructions(p.endpoints.graphBaseUrl, app.objectId, app.servicePrincipalId));
      assert.match(f!.hint!, new RegExp(`POST https://[^ ]+/v1\\.0/applications/${app.objectId}/owners/\\$ref with body \\{"@odata\\.id":"https://[^"]+/directoryObjects/${app.servicePrincipalId}"\\}`));
      assert.ok(!JSON.stringify(r).includes(app.clientSecret!));
    } finally {
      emu.control.clock.set(saved);
    }
  });
});
