import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Provider } from '../../src/core/domain.ts';
import { newId } from '../../src/core/ids.ts';
import { startEntraEmulator, type EntraEmulator } from '../../src/emulator/entra/index.ts';
import { emulatorProviderConfig } from '../../src/identity/entra/emulator-fixture.ts';
import { entraConfigSchema } from '../../src/identity/entra/config-schema.ts';
import { createIdentityProvider, sealEntraCredential } from '../../src/identity/factory.ts';
import { vaultFromKey } from '../../src/platform/vault.ts';

/**
 * `gatehouse provider doctor` / POST /v1/providers/{id}/check, end to end from a stored provider row (config
 * validated by the registry schema, credential sealed with the master key) against the emulator: healthy, and
 * each failure of issue 4 turned into words an admin can act on.
 */
let emu: EntraEmulator;
const vault = vaultFromKey(randomBytes(32));
before(async () => { emu = await startEntraEmulator(); });
after(async () => { await emu.close(); });

function providerRow(config: Record<string, unknown>, secret: string): Provider {
  const id = newId('provider');
  const parsed = entraConfigSchema.parse(emulatorProviderConfig(emu, config));
  return { id, name: 'corp-entra', kind: 'entra', config: parsed, secretCiphertext: sealEntraCredential(vault, id, { clientSecret: secret }), createdAt: 0, updatedAt: 0 };
}
const doctor = (row: Provider) => createIdentityProvider(row, { vault }).check();
const tokenFinding = async (row: Provider) => (await doctor(row)).findings.find((f) => f.check === 'token')!;

describe('provider doctor end to end', () => {
  test('healthy provider, and what AppRoleAssignment.ReadWrite.All would add', async () => {
    const r = await doctor(providerRow({}, emu.admin.clientSecret));
    assert.equal(r.healthy, true);
    const roles = r.findings.find((f) => f.check === 'permission.app-roles')!;
    assert.equal(roles.severity, 'info');
    assert.match(roles.hint!, /AppRoleAssignment\.ReadWrite\.All.*refuse tokens to clients without a contract/);
  });

  test('AADSTS7000222: the expired platform secret, and where to replace it', async () => {
    const saved = emu.control.clock.now();
    emu.control.clock.advance(800 * 86_400_000);
    try {
      const f = await tokenFinding(providerRow({}, emu.admin.clientSecret));
      assert.equal(f.idpCode, 'AADSTS7000222');
      assert.match(f.message, new RegExp(emu.admin.clientId));
      assert.match(f.hint!, /Certificates & secrets.*gatehouse provider update corp-entra/);
    } finally {
      emu.control.clock.set(saved);
    }
  });

  test('AADSTS7000215 / 700016 / 90002', async () => {
    assert.equal((await tokenFinding(providerRow({}, 'definitely-not-the-secret'))).idpCode, 'AADSTS7000215');
    assert.equal((await tokenFinding(providerRow({ clientId: '3c3c3c3c-1111-2222-3333-444444444444' }, emu.admin.clientSecret))).idpCode, 'AADSTS700016');
    assert.equal((await tokenFinding(providerRow({ tenantId: '4d4d4d4d-1111-2222-3333-444444444444' }, emu.admin.clientSecret))).idpCode, 'AADSTS90002');
  });

  test('no Graph permission / admin consent → which permission is missing', async () => {
    const app = emu.control.seedApp({ permissions: [] });
    const r = await doctor(providerRow({ clientId: app.clientId }, app.clientSecret!));
    assert.equal(r.healthy, false);
    const f = r.findings.find((x) => x.check === 'permission.owned-by')!;
    assert.equal(f.severity, 'error');
    assert.match(f.hint!, /Application\.ReadWrite\.OwnedBy.*Grant admin consent/);
  });

  test('the WS-Federation address is refused before anything is stored', () => {
    const r = entraConfigSchema.safeParse({ tenantId: `https://login.microsoftonline.com/${emu.tenantId}/wsfed`, clientId: emu.admin.clientId });
    assert.equal(r.success, false);
    assert.match(!r.success ? r.error.issues[0]!.message : '', new RegExp(`not a token issuer.*${emu.tenantId}`));
  });
});
