import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../core/clock.ts';
import { startEntraEmulator, type EntraEmulator } from '../emulator/entra/index.ts';
import { emulatorProviderConfig } from '../identity/entra/emulator-fixture.ts';
import { createIdentityProvider } from '../identity/factory.ts';
import { entraConfigSchema } from '../identity/entra/config-schema.ts';
import { registerProviderKind } from '../control/index.ts';
import { vaultFromKey, type Vault } from '../platform/vault.ts';
import { createManagementApi } from './index.ts';
import { allAudit, createFixture, type Fixture, type Reply } from './test-fixture.ts';

/**
 * Entra providers through the API, against the Entra emulator: the credential goes into the vault and never comes
 * back out; the doctor, the reconciler and app import run on the stored provider through the identity factory.
 */
describe('entra providers: create, check, reconcile, import', () => {
  let emu: EntraEmulator;
  let f: Fixture;
  let vault: Vault;
  let call: (token: string | null, method: string, path: string, body?: unknown) => Promise<Reply>;
  let providerId: string;
  let envId: string;

  before(async () => {
    // As the composition root (src/cli/serve/compose.ts) does: the build decides which provider kinds it offers.
    registerProviderKind('entra', entraConfigSchema);
    emu = await startEntraEmulator();
    f = await createFixture();
    vault = vaultFromKey(randomBytes(32));
    // Real time: the emulator's tokens and secrets are dated by the wall clock.
    const app = createManagementApi({ store: f.store, clock: systemClock, vault });
    call = async (token, method, path, body) => {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null };
    };
  });
  after(async () => {
    await f?.close();
    await emu?.close();
  });

  test('POST /v1/providers kind entra: the secret is sealed in the vault, never returned or audited', async () => {
    const secret = emu.admin.clientSecret;
    const created = await call(f.tokens.admin, 'POST', '/v1/providers', { name: 'corp-entra', kind: 'entra', config: emulatorProviderConfig(emu), credential: { clientSecret: secret } });
    assert.equal(created.status, 201, created.text);
    providerId = created.json.id;
    assert.equal(created.json.kind, 'entra');
    assert.equal(created.json.config.tenantId, emu.tenantId);
    assert.equal(created.json.config.credentialType, 'secret');
    assert.ok(!created.text.includes(secret) && !created.text.includes('secretCiphertext'));

    const stored = await f.store.providers.get(providerId);
    assert.match(stored!.secretCiphertext!, /^v1:/);
    assert.ok(!stored!.secretCiphertext!.includes(secret));
    assert.equal(JSON.parse(vault.decrypt(stored!.secretCiphertext!, providerId)).clientSecret, secret, 'bound to its own row');
    assert.throws(() => vault.decrypt(stored!.secretCiphertext!, 'prv_other'));

    const read = await call(f.tokens.viewer, 'GET', `/v1/providers/${providerId}`);
    const rawAudit = JSON.stringify(await allAudit(f.store));
    for (const text of [read.text, (await call(f.tokens.admin, 'GET', '/v1/providers')).text, rawAudit]) {
      assert.ok(!text.includes(secret));
      assert.ok(!text.includes(stored!.secretCiphertext!));
    }
    assert.ok(rawAudit.includes(providerId), 'the creation is audited');

    const env = await call(f.tokens.admin, 'POST', '/v1/environments', { name: 'entra-env', defaultProviderId: providerId });
    assert.equal(env.status, 201, env.text);
    envId = env.json.id;
  });

  test('bad entra input is refused with the field, and nothing is written', async () => {
    const before = await f.snapshot();
    const base = { name: 'bad-entra', kind: 'entra', config: emulatorProviderConfig(emu) };
    const cases: [unknown, number, string][] = [
      [{ ...base }, 400, 'credential'],
      [{ ...base, config: { ...base.config, clientSecret: 'in-the-wrong-place' }, credential: { clientSecret: 'abcdefgh12' } }, 400, 'config.clientSecret'],
      [{ ...base, config: { ...base.config, issuer: 'https://login.microsoftonline.com/x/wsfed' }, credential: { clientSecret: 'abcdefgh12' } }, 400, 'config.issuer'],
      [{ ...base, config: { ...base.config, credentialType: 'certificate' }, credential: { clientSecret: 'abcdefgh12' } }, 400, 'config.credentialType'],
      [{ ...base, credential: { clientSecret: 'short' } }, 400, 'credential'],
      [{ ...base, credential: { clientSecret: 'abcdefgh12', extra: 1 } }, 400, 'credential'],
      [{ name: 'local-2', kind: 'local', credential: { clientSecret: 'abcdefgh12' } }, 400, 'credential'],
    ];
    for (const [body, status, path] of cases) {
      const reply = await call(f.tokens.admin, 'POST', '/v1/providers', body);
      assert.equal(reply.status, status, `${JSON.stringify(body).slice(0, 120)}: ${reply.text}`);
      assert.equal(reply.json.code, 'VALIDATION_FAILED');
      assert.ok(reply.json.errors.some((e: { path: string }) => e.path.startsWith(path)), `${path}: ${reply.text}`);
      assert.ok(!reply.text.includes('abcdefgh12') && !reply.text.includes('in-the-wrong-place'), 'errors never echo a secret');
    }
    assert.equal((await call(f.tokens.operator, 'POST', '/v1/providers', { ...base, credential: { clientSecret: 'abcdefgh12' } })).status, 403);
    // A server without a master key cannot store the credential: 409, nothing written.
    const noVault = await f.call(f.tokens.admin, 'POST', '/v1/providers', { ...base, credential: { clientSecret: 'abcdefgh12' } });
    assert.equal(noVault.status, 409, noVault.text);
    assert.deepEqual(await f.snapshot(), before);
  });

  test('POST /v1/providers/{id}/check: the doctor runs against the IdP; problems are findings, not errors', async () => {
    const healthy = await call(f.tokens.operator, 'POST', `/v1/providers/${providerId}/check`);
    assert.equal(healthy.status, 200, healthy.text);
    assert.equal(healthy.json.healthy, true, healthy.text);
    assert.deepEqual(healthy.json.findings.find((x: { check: string }) => x.check === 'token')?.severity, 'ok');
    assert.ok(healthy.json.permissions.includes('Application.ReadWrite.OwnedBy'));
    assert.match(healthy.json.checkedAt, /Z$/);
    assert.equal(typeof healthy.json.credentialExpiresAt, 'string');

    const patched = await call(f.tokens.admin, 'PATCH', `/v1/providers/${providerId}`, { credential: { clientSecret: 'not-the-secret-value' } });
    assert.equal(patched.status, 200, patched.text);
    const broken = await call(f.tokens.admin, 'POST', `/v1/providers/${providerId}/check`);
    assert.equal(broken.status, 200, broken.text);
    assert.equal(broken.json.healthy, false);
    assert.equal(broken.json.findings.find((x: { check: string }) => x.check === 'token')?.severity, 'error');
    assert.ok(!broken.text.includes('not-the-secret-value'));
    assert.equal((await call(f.tokens.admin, 'PATCH', `/v1/providers/${providerId}`, { credential: { clientSecret: emu.admin.clientSecret } })).status, 200);

    // Settings Gatehouse manages (the resource apps it created) survive config and credential changes.
    const resourceApps = { [envId]: { appId: 'x', objectId: 'y', identifierUri: 'api://x' } };
    await f.store.providers.update({ ...(await f.store.providers.get(providerId))!, config: { ...(await f.store.providers.get(providerId))!.config, resourceApps } });
    const renamed = await call(f.tokens.admin, 'PATCH', `/v1/providers/${providerId}`, { config: emulatorProviderConfig(emu, { cloud: 'global' }) });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual(renamed.json.config.resourceApps, resourceApps);
    assert.deepEqual((await call(f.tokens.admin, 'PATCH', `/v1/providers/${providerId}`, { credential: { clientSecret: emu.admin.clientSecret } })).json.config.resourceApps, resourceApps);
    const forged = await call(f.tokens.admin, 'PATCH', `/v1/providers/${providerId}`, { config: { ...emulatorProviderConfig(emu), resourceApps: {} } });
    assert.equal(forged.status, 400, forged.text);
    assert.equal((await call(f.tokens.admin, 'POST', `/v1/providers/${providerId}/check`)).json.healthy, true);

    const local = await call(f.tokens.admin, 'POST', `/v1/providers/${f.world.provider.id}/check`);
    assert.equal(local.status, 200);
    assert.equal(local.json.healthy, true);
    assert.equal((await call(f.tokens.viewer, 'POST', `/v1/providers/${providerId}/check`)).status, 403);
    assert.equal((await call(f.tokens.admin, 'POST', '/v1/providers/prv_0000000000zzzzzzzzzzzzzzzz/check')).status, 404);
  });

  test('POST /v1/apps/import adopts an existing IdP app; its secret shows as external metadata only', async () => {
    const seeded = emu.control.seedApp({ displayName: 'legacy portal app' });
    const imported = await call(f.tokens.operator, 'POST', '/v1/apps/import', { environmentId: envId, clientId: seeded.clientId });
    assert.equal(imported.status, 201, imported.text);
    assert.equal(imported.json.owned, false);
    assert.equal(imported.json.app.name, 'legacy portal app');
    assert.equal(imported.json.app.providerId, providerId);
    assert.deepEqual(imported.json.app.registration, { clientId: seeded.clientId, objectId: seeded.objectId, uniqueName: null });
    assert.equal(imported.json.credentials.length, 1);
    assert.equal(imported.json.credentials[0].origin, 'external');
    assert.match(imported.json.credentials[0].expiresAt, /Z$/);
    assert.ok(!imported.text.includes(seeded.clientSecret!));
    const events = (await allAudit(f.store)).filter((e) => e.entityId === imported.json.app.id);
    assert.deepEqual(events.map((e) => e.type), ['app.imported']);
    assert.ok(events[0]!.actor.startsWith('tok_'), 'audited as the calling token');

    const again = await call(f.tokens.operator, 'POST', '/v1/apps/import', { environmentId: envId, clientId: seeded.clientId });
    assert.equal(again.status, 409, again.text);
    const unknown = await call(f.tokens.admin, 'POST', '/v1/apps/import', { environmentId: envId, clientId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal((await call(f.tokens.admin, 'POST', '/v1/apps/import', { environmentId: envId, clientId: 'x', extra: 1 })).status, 400);
    assert.equal((await call(f.tokens.admin, 'POST', '/v1/apps/import', { environmentId: 'env_nope', clientId: 'x' })).json.code, 'BAD_ID');
    assert.equal((await call(f.tokens.consumerA, 'POST', '/v1/apps/import', { environmentId: envId, clientId: seeded.clientId })).status, 403);
    // A local environment has nothing to import from.
    const local = await call(f.tokens.admin, 'POST', '/v1/apps/import', { environmentId: f.world.env.id, clientId: seeded.clientId });
    assert.equal(local.status, 400, local.text);
  });

  test('POST /v1/providers/{id}/reconcile reports drift; fix=true repairs it and audits each repair', async () => {
    // An app the platform owns, imported, then given a secret in the IdP behind Gatehouse's back.
    const idp = createIdentityProvider((await f.store.providers.get(providerId))!, { vault, clock: systemClock });
    const { registration } = await idp.upsertClient({ uniqueName: 'made-elsewhere', displayName: 'made elsewhere' });
    const owned = await call(f.tokens.admin, 'POST', '/v1/apps/import', { environmentId: envId, clientId: registration.clientId });
    assert.equal(owned.status, 201, owned.text);
    assert.equal(owned.json.owned, true);
    await idp.addSecret(registration.objectId, { displayName: 'portal', expiresAt: Date.now() + 86_400_000 });

    const dry = await call(f.tokens.operator, 'POST', `/v1/providers/${providerId}/reconcile`);
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.json.fix, false);
    assert.equal(dry.json.skipped, null);
    assert.match(dry.json.startedAt, /Z$/);
    assert.equal(dry.json.counts.credentialsAdded, 1, dry.text);
    assert.equal(dry.json.repaired.credentialsAdded, 0);
    assert.match(dry.json.drift.credentialsAdded[0].expiresAt, /Z$/);

    const fixed = await call(f.tokens.operator, 'POST', `/v1/providers/${providerId}/reconcile?fix=true`);
    assert.equal(fixed.status, 200, fixed.text);
    assert.equal(fixed.json.repaired.credentialsAdded, 1);
    const after = await call(f.tokens.operator, 'POST', `/v1/providers/${providerId}/reconcile?fix=false`);
    assert.equal(after.json.counts.credentialsAdded, 0, 'repaired drift is gone');

    const local = await call(f.tokens.admin, 'POST', `/v1/providers/${f.world.provider.id}/reconcile?fix=true`);
    assert.equal(local.status, 200);
    assert.match(local.json.skipped, /local/);
    assert.equal((await call(f.tokens.admin, 'POST', `/v1/providers/${providerId}/reconcile?fix=yes`)).status, 400);
    assert.equal((await call(f.tokens.viewer, 'POST', `/v1/providers/${providerId}/reconcile`)).status, 403);
  });
});
