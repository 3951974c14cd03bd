import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Provider } from '../../src/core/domain.ts';
import { isGatehouseError } from '../../src/core/errors.ts';
import { newId } from '../../src/core/ids.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { SYSTEM_CALLER } from '../../src/control/context.ts';
import { listCredentialInventory } from '../../src/control/lifecycle/inventory.ts';
import { rotateProviderCredential, syncProviderCredentials, type ProviderCredentialDeps } from '../../src/control/lifecycle/provider-credential.ts';
import { providerRotationPhase } from '../../src/control/lifecycle/provider-credential-phase.ts';
import { startEntraEmulator, type EntraEmulator } from '../../src/emulator/entra/index.ts';
import { EntraIdentityProvider } from '../../src/identity/entra/adapter.ts';
import type { EntraPlatformCredential } from '../../src/identity/entra/config.ts';
import { entraConfigSchema } from '../../src/identity/entra/config-schema.ts';
import { emulatorAdapter, emulatorProviderConfig } from '../../src/identity/entra/emulator-fixture.ts';
import { generateSelfSignedCertificate, signProofOfPossession } from '../../src/identity/entra/self-rotation-certificate.ts';
import { createIdentityProvider, sealEntraCredential } from '../../src/identity/factory.ts';
import { vaultFromKey } from '../../src/platform/vault.ts';
import { openStore } from '../../src/store/index.ts';

/**
 * Issue 6 item 4 end to end against the emulator: the platform app tracks and rolls its own credential — a
 * certificate by addKey/removeKey with proof of possession, a secret only when its service principal owns its app.
 */
const DAY = 86_400_000;
const OWNED_BY = 'Application.ReadWrite.OwnedBy';
let emu: EntraEmulator;
let store: Store;
const vault = vaultFromKey(randomBytes(32));
let deps: ProviderCredentialDeps;

before(async () => {
  emu = await startEntraEmulator();
  store = await openStore({ url: 'sqlite::memory:', clock: emu.control.clock });
  deps = { store, clock: emu.control.clock, vault, verify: { attempts: 1 } };
});
after(async () => {
  await store?.close();
  await emu?.close();
});

type AppJson = { id: string; appId: string; keyCredentials: { keyId: string }[]; passwordCredentials: { keyId: string }[]; owners?: string[] };
const emulatorApp = (objectId: string): AppJson => {
  const state = emu.control.state() as { tenants: { applications: AppJson[] }[] };
  const found = state.tenants.flatMap((t) => t.applications).find((a) => a.id === objectId);
  assert.ok(found, 'application in emulator state');
  return found;
};

async function insertProvider(clientId: string, credential: EntraPlatformCredential, extra: Record<string, unknown> = {}): Promise<Provider> {
  const id = newId('provider');
  const config = { ...entraConfigSchema.parse(emulatorProviderConfig(emu, { clientId, credentialType: credential.type })), ...extra };
  const raw = credential.type === 'secret' ? { clientSecret: credential.clientSecret } : { certificatePem: credential.certificatePem, privateKeyPem: credential.privateKeyPem };
  const now = emu.control.clock.now();
  const row: Provider = { id, name: `corp-${id.slice(-6)}`, kind: 'entra', config, secretCiphertext: sealEntraCredential(vault, id, raw), createdAt: now, updatedAt: now };
  await store.transaction((tx) => tx.providers.insert(row));
  return row;
}

/** A platform app that signs in with a certificate (registered by the operator once; its seeded secret is gone). */
async function certificatePlatformApp(validDays = 200) {
  const app = emu.control.seedApp({ permissions: [OWNED_BY], ownsItself: true, displayName: 'platform (certificate)' });
  const seeder = emulatorAdapter(emu, { config: { clientId: app.clientId }, credential: { type: 'secret', clientSecret: app.clientSecret! } });
  const now = emu.control.clock.now();
  const cert = await generateSelfSignedCertificate({ subject: 'initial', notBefore: now - 60_000, notAfter: now + validDays * DAY });
  await seeder.addCertificate(app.objectId, { certificate: cert.certificatePem, displayName: 'initial' });
  await seeder.removeSecret(app.objectId, app.secretKeyId!);
  // Certificate self-roll needs no ownership: prove it by dropping the ownership the setup used.
  await seeder.graph.request({ method: 'DELETE', path: `/applications/${app.objectId}/owners/${app.servicePrincipalId}/$ref`, operation: 'drop owner' });
  const credential: EntraPlatformCredential = { type: 'certificate', certificatePem: cert.certificatePem, privateKeyPem: cert.privateKeyPem };
  return { app, cert, credential };
}

const adapterOf = async (providerId: string) => createIdentityProvider((await store.providers.get(providerId))!, { vault, clock: emu.control.clock }) as EntraIdentityProvider;
const auditOf = async () => (await store.audit.list({}, { limit: 500 })).items;

describe('certificate self-roll', () => {
  test('addKey with proof of possession, switch, token with the new cert, removeKey of the old one', async () => {
    const { app, credential } = await certificatePlatformApp();
    const provider = await insertProvider(app.clientId, credential);
    const initialKeyId = emulatorApp(app.objectId).keyCredentials[0]!.keyId;

    const sync = await syncProviderCredentials(deps, provider.id, SYSTEM_CALLER);
    assert.equal(sync.readable, true);
    assert.equal(sync.ownsItself, false);
    assert.deepEqual(sync.credentials.map((c) => [c.keyId, c.origin, c.kind]), [[initialKeyId, 'gatehouse', 'certificate']]);

    const report = await rotateProviderCredential(deps, SYSTEM_CALLER, provider.id);
    assert.equal(report.kind, 'certificate');
    assert.equal(report.oldKeyId, initialKeyId);
    assert.notEqual(report.newKeyId, initialKeyId);
    assert.equal(report.oldRemoved, true);
    assert.ok(report.expiresAt > emu.control.clock.now() + 300 * DAY);

    // Entra: only the new key is left.
    assert.deepEqual(emulatorApp(app.objectId).keyCredentials.map((k) => k.keyId), [report.newKeyId]);
    // The stored provider now signs in with the new certificate, and the old one no longer works.
    const now = await adapterOf(provider.id);
    assert.equal(now.platformCredential.type, 'certificate');
    assert.notEqual((now.platformCredential as { certificatePem: string }).certificatePem, credential.certificatePem);
    assert.ok((await now.token(true)).accessToken);
    const stale = new EntraIdentityProvider({ config: now.config, credential, providerLabel: 'old' });
    await assert.rejects(stale.token(true), (e: unknown) => isGatehouseError(e) && e.code === 'IDP_REJECTED');

    // Rows: new active (gatehouse), old removed; audit in the same vocabulary, with Entra's activity name.
    const rows = (await store.credentials.list({ ownerType: 'provider', ownerId: provider.id })).items;
    assert.deepEqual(rows.map((r) => [r.keyId, r.state]).sort(), [[initialKeyId, 'removed'], [report.newKeyId, 'active']].sort());
    const events = (await auditOf()).filter((e) => e.entityId === report.credentialId || e.entityId === provider.id || rows.some((r) => r.id === e.entityId));
    const added = events.find((e) => e.type === 'credential.added' && e.entityId === report.credentialId);
    assert.equal(added?.idpActivity, 'Update application – Certificates and secrets management');
    assert.ok(events.some((e) => e.type === 'credential.removed'));
    assert.ok(events.some((e) => e.type === 'provider.updated'));
    const text = JSON.stringify(await auditOf());
    assert.ok(!text.includes('PRIVATE KEY') && !text.includes('secretCiphertext'), 'no key material in the audit log');

    // And the rolled certificate rolls again (proof now signed with the new key).
    const again = await rotateProviderCredential(deps, SYSTEM_CALLER, provider.id);
    assert.equal(again.oldKeyId, report.newKeyId);
    assert.deepEqual(emulatorApp(app.objectId).keyCredentials.map((k) => k.keyId), [again.newKeyId]);
  });

  test('with an overlap the old certificate stays until the lifecycle phase removes it', async () => {
    const { app, credential } = await certificatePlatformApp();
    const provider = await insertProvider(app.clientId, credential);
    const initialKeyId = emulatorApp(app.objectId).keyCredentials[0]!.keyId;
    const started = emu.control.clock.now();
    const report = await rotateProviderCredential({ ...deps, overlapMs: 60_000 }, SYSTEM_CALLER, provider.id);
    assert.equal(report.oldRemoved, false);
    assert.ok(report.retireAt! >= started + 60_000 && report.retireAt! <= emu.control.clock.now() + 60_000);
    assert.deepEqual(emulatorApp(app.objectId).keyCredentials.map((k) => k.keyId).sort(), [initialKeyId, report.newKeyId].sort());
    const early = await providerRotationPhase({ ...deps, lastSync: new Map() });
    assert.equal(early.providers.find((p) => p.providerId === provider.id)!.retired, 0, 'overlap not over yet');

    emu.control.clock.advance(120_000);
    const phase = await providerRotationPhase({ ...deps, lastSync: new Map() });
    assert.equal(phase.providers.find((p) => p.providerId === provider.id)!.retired, 1);
    assert.deepEqual(emulatorApp(app.objectId).keyCredentials.map((k) => k.keyId), [report.newKeyId]);
    const old = (await store.credentials.list({ ownerType: 'provider', ownerId: provider.id })).items.find((r) => r.keyId === initialKeyId);
    assert.equal(old?.state, 'removed');
  });

  test('a proof signed with a key that is not on the application is refused', async () => {
    const { app, credential } = await certificatePlatformApp();
    const p = emulatorAdapter(emu, { config: { clientId: app.clientId, credentialType: 'certificate' }, credential });
    const now = emu.control.clock.now();
    const stranger = await generateSelfSignedCertificate({ subject: 'stranger', notBefore: now - 60_000, notAfter: now + 30 * DAY });
    const before = emulatorApp(app.objectId).keyCredentials.map((k) => k.keyId);
    const proof = await signProofOfPossession({ objectId: app.objectId, certificatePem: stranger.certificatePem, privateKeyPem: stranger.privateKeyPem, now });
    await assert.rejects(p.graph.request({
      method: 'POST', path: `/applications/${app.objectId}/addKey`, operation: 'addKey',
      body: { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: stranger.derBase64 }, passwordCredential: null, proof },
    }), (e: unknown) => isGatehouseError(e) && e.code === 'IDP_REJECTED');
    // Right key, wrong issuer (the appId instead of the object id): refused too.
    const wrongIss = await signProofOfPossession({ objectId: app.clientId, ...credential, now });
    await assert.rejects(p.graph.request({
      method: 'POST', path: `/applications/${app.objectId}/addKey`, operation: 'addKey',
      body: { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: stranger.derBase64 }, passwordCredential: null, proof: wrongIss },
    }), (e: unknown) => isGatehouseError(e));
    assert.deepEqual(emulatorApp(app.objectId).keyCredentials.map((k) => k.keyId), before);
  });

  test('the provider credential appears in the inventory with its expiry; the scheduler phase rolls it when due', async () => {
    const { app, credential } = await certificatePlatformApp(20);
    const provider = await insertProvider(app.clientId, credential, { autoRotate: true });
    const other = await certificatePlatformApp(20);
    const idle = await insertProvider(other.app.clientId, other.credential);

    await syncProviderCredentials(deps, provider.id, SYSTEM_CALLER);
    const inventory = await listCredentialInventory({ store, clock: emu.control.clock }, { ownerType: 'provider', expiringWithinMs: 30 * DAY });
    const mine = inventory.find((i) => i.owner.id === provider.id);
    assert.ok(mine, 'provider credential listed among those expiring within 30 days');
    assert.equal(mine.owner.type, 'provider');
    assert.equal(mine.owner.name, provider.name);
    assert.ok(mine.expiresInDays !== null && mine.expiresInDays >= 19 && mine.expiresInDays <= 20);

    const report = await providerRotationPhase({ ...deps, lastSync: new Map() });
    const rolled = report.providers.find((r) => r.providerId === provider.id)!;
    assert.ok(rolled.rotated, JSON.stringify(rolled));
    assert.ok(rolled.rotated.expiresAt > emu.control.clock.now() + 300 * DAY);
    const notOptedIn = report.providers.find((r) => r.providerId === idle.id)!;
    assert.equal(notOptedIn.rotated, undefined, 'autoRotate off: tracked but never rolled');
    assert.equal(notOptedIn.synced, true);
    const after = await listCredentialInventory({ store, clock: emu.control.clock }, { ownerType: 'provider', expiringWithinMs: 30 * DAY });
    assert.ok(!after.some((i) => i.owner.id === provider.id), 'no longer expiring soon');
  });
});

describe('secret self-roll', () => {
  test('rolls when the service principal owns its own application', async () => {
    const app = emu.control.seedApp({ permissions: [OWNED_BY], ownsItself: true, displayName: 'platform (owns itself)' });
    const provider = await insertProvider(app.clientId, { type: 'secret', clientSecret: app.clientSecret! });
    const report = await rotateProviderCredential(deps, SYSTEM_CALLER, provider.id);
    assert.equal(report.kind, 'secret');
    assert.equal(report.oldKeyId, app.secretKeyId);
    assert.equal(report.oldRemoved, true);
    assert.deepEqual(emulatorApp(app.objectId).passwordCredentials.map((k) => k.keyId), [report.newKeyId]);

    const now = await adapterOf(provider.id);
    const secret = (now.platformCredential as { clientSecret: string }).clientSecret;
    assert.notEqual(secret, app.clientSecret);
    assert.ok((await now.token(true)).accessToken);
    const text = JSON.stringify(await auditOf()) + JSON.stringify(report);
    assert.ok(!text.includes(secret) && !text.includes(app.clientSecret!), 'neither secret in audit or report');
    const rows = (await store.credentials.list({ ownerType: 'provider', ownerId: provider.id })).items;
    assert.deepEqual(rows.map((r) => [r.keyId, r.state, r.origin]).sort(), [[app.secretKeyId, 'removed', 'gatehouse'], [report.newKeyId, 'active', 'gatehouse']].sort());
  });

  test('a new secret the STS does not accept yet: retried while it replicates, else removed again and nothing switched', async () => {
    const app = emu.control.seedApp({ permissions: [OWNED_BY], ownsItself: true, displayName: 'platform (lagging STS)' });
    const provider = await insertProvider(app.clientId, { type: 'secret', clientSecret: app.clientSecret! });
    emu.control.faults.set({ replicationDelayMs: 30_000 });
    try {
      const err = await rotateProviderCredential(deps, SYSTEM_CALLER, provider.id).then(() => null, (e: unknown) => e);
      assert.ok(isGatehouseError(err), String(err));
      assert.equal(err.code, 'IDP_REJECTED');
      assert.equal(err.extras.idpCode, 'AADSTS7000215');
      assert.match(err.message, /no token could be acquired with it; it was removed again/);
      assert.deepEqual(emulatorApp(app.objectId).passwordCredentials.map((k) => k.keyId), [app.secretKeyId]);
      assert.equal((await store.providers.get(provider.id))!.secretCiphertext, provider.secretCiphertext);
      assert.equal((await store.credentials.list({ ownerType: 'provider', ownerId: provider.id })).items.length, 0);

      // Waiting out the replication (virtual time) lets the same rotation succeed.
      const patient = { ...deps, verify: { attempts: 3, delayMs: 20_000, sleep: async (ms: number) => emu.control.clock.advance(ms) } };
      const report = await rotateProviderCredential(patient, SYSTEM_CALLER, provider.id);
      assert.equal(report.oldRemoved, true);
      assert.deepEqual(emulatorApp(app.objectId).passwordCredentials.map((k) => k.keyId), [report.newKeyId]);
    } finally {
      emu.control.faults.clear();
    }
  });

  test('refused with the exact admin step when it does not own itself; nothing changes', async () => {
    const app = emu.control.seedApp({ permissions: [OWNED_BY], displayName: 'platform (not owner)' });
    const provider = await insertProvider(app.clientId, { type: 'secret', clientSecret: app.clientSecret! });
    const err = await rotateProviderCredential(deps, SYSTEM_CALLER, provider.id).then(() => null, (e: unknown) => e);
    assert.ok(isGatehouseError(err), String(err));
    assert.equal(err.code, 'IDP_REJECTED');
    assert.equal(err.extras.idpCode, 'NotOwnerOfSelf');
    assert.match(String(err.extras.hint), new RegExp(`POST https://\\S+/v1\\.0/applications/${app.objectId}/owners/\\$ref`));
    assert.match(String(err.extras.hint), new RegExp(`directoryObjects/${app.servicePrincipalId}`));
    assert.ok(!JSON.stringify({ m: err.message, x: err.extras }).includes(app.clientSecret!));
    assert.deepEqual(emulatorApp(app.objectId).passwordCredentials.map((k) => k.keyId), [app.secretKeyId]);
    assert.equal((await store.providers.get(provider.id))!.secretCiphertext, provider.secretCiphertext);

    // Tracked all the same (its application is readable), and the phase explains why it did not roll it.
    const sync = await syncProviderCredentials(deps, provider.id, SYSTEM_CALLER);
    assert.deepEqual(sync.credentials.map((c) => [c.keyId, c.origin]), [[app.secretKeyId, 'gatehouse']]);
    await store.transaction(async (tx) => tx.providers.update({ ...(await tx.providers.get(provider.id))!, config: { ...provider.config, autoRotate: true, rotateWithinDays: 3650 } }));
    const phase = await providerRotationPhase({ ...deps, lastSync: new Map() });
    const item = phase.providers.find((p) => p.providerId === provider.id)!;
    assert.equal(item.skipped?.code, 'NotOwnerOfSelf');
    assert.match(item.skipped!.hint!, /owners\/\$ref/);
  });

  test('non-admins and non-Entra providers are refused', async () => {
    const app = emu.control.seedApp({ permissions: [OWNED_BY], ownsItself: true });
    const provider = await insertProvider(app.clientId, { type: 'secret', clientSecret: app.clientSecret! });
    await assert.rejects(rotateProviderCredential(deps, { actor: 'tok_x', role: 'operator', subject: 'x' }, provider.id), (e: unknown) => isGatehouseError(e) && e.code === 'FORBIDDEN');
    await assert.rejects(rotateProviderCredential(deps, SYSTEM_CALLER, newId('provider')), (e: unknown) => isGatehouseError(e) && e.code === 'NOT_FOUND');
    const local: Provider = { id: newId('provider'), name: 'loc', kind: 'local', config: {}, secretCiphertext: null, createdAt: 0, updatedAt: 0 };
    await store.transaction((tx) => tx.providers.insert(local));
    await assert.rejects(rotateProviderCredential(deps, SYSTEM_CALLER, local.id), (e: unknown) => isGatehouseError(e) && e.code === 'VALIDATION_FAILED');
  });
});
