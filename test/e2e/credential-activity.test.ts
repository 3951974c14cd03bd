import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ClientApp, Credential, Environment, Provider } from '../../src/core/domain.ts';
import { newId } from '../../src/core/ids.ts';
import type { IdentityProvider } from '../../src/core/ports/identity.ts';
import type { Store } from '../../src/core/ports/store.ts';
import {
  credentialActivityPhase, listCredentialInventory, staleClientReport, type CredentialActivityDeps, type CredentialActivityMemo,
} from '../../src/control/lifecycle/index.ts';
import { startEntraEmulator, type EntraEmulator } from '../../src/emulator/entra/index.ts';
import { tokenFor } from '../../src/emulator/entra/test/helpers.ts';
import { EntraIdentityProvider } from '../../src/identity/entra/adapter.ts';
import { entraConfigSchema } from '../../src/identity/entra/config-schema.ts';
import { emulatorProviderConfig } from '../../src/identity/entra/emulator-fixture.ts';
import { createIdentityProvider, sealEntraCredential } from '../../src/identity/factory.ts';
import type { Logger } from '../../src/platform/logger.ts';
import { vaultFromKey } from '../../src/platform/vault.ts';
import { openStore } from '../../src/store/index.ts';

/**
 * Issue 6 item 1, last use from Entra: the lifecycle phase reads the beta credential sign-in activity report and
 * records each matching credential's last sign-in (source 'idp'), for the inventory and the stale report — and,
 * when the tenant's licence or the platform app's permissions do not allow the report, says so once and backs off.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const OWNED_BY = 'Application.ReadWrite.OwnedBy';
const AUDIT = 'AuditLog.Read.All';

let emu: EntraEmulator;
let store: Store;
const vault = vaultFromKey(randomBytes(32));
const now = () => emu.control.clock.now();

/** The identity adapters the phase gets, counting report reads per provider. */
const reads = new Map<string, number>();
const identityFor = (provider: Provider): IdentityProvider => {
  const p = createIdentityProvider(provider, { vault, clock: emu.control.clock, sleep: async (ms) => emu.control.clock.advance(ms) }) as EntraIdentityProvider;
  const list = p.listCredentialActivity.bind(p);
  p.listCredentialActivity = (request) => {
    reads.set(provider.id, (reads.get(provider.id) ?? 0) + 1);
    return list(request);
  };
  return p;
};

interface LogLine { level: 'info' | 'warn'; fields: Record<string, unknown>; message: string }
function recordingLogger(lines: LogLine[]): Logger {
  const log = (level: LogLine['level']) => (fields: Record<string, unknown>, message: string) => { lines.push({ level, fields, message }); };
  return { info: log('info'), warn: log('warn'), error: log('warn'), debug: () => {} } as unknown as Logger;
}

async function insertProvider(clientId: string, clientSecret: string): Promise<Provider> {
  const id = newId('provider');
  const config = entraConfigSchema.parse(emulatorProviderConfig(emu, { clientId, credentialType: 'secret' }));
  const row: Provider = {
    id, name: `corp-${id.slice(-6)}`, kind: 'entra', config, secretCiphertext: sealEntraCredential(vault, id, { clientSecret }),
    createdAt: now(), updatedAt: now(),
  };
  const env: Environment = {
    id: newId('environment'), name: `env-${id.slice(-6)}`, description: '', defaultProviderId: id, providerIds: [id],
    settings: { credentialLifetimeDays: 180, alertThresholdsDays: [30] }, createdAt: now(), updatedAt: now(),
  };
  await store.transaction(async (tx) => {
    await tx.providers.insert(row);
    await tx.environments.insert(env);
  });
  return row;
}

const credentialRow = (ownerType: Credential['ownerType'], ownerId: string, keyId: string, origin: Credential['origin']): Credential => ({
  id: newId('credential', now()), ownerType, ownerId, kind: 'secret', keyId, hint: 'abc', secretHash: null, origin, state: 'active',
  createdAt: now(), expiresAt: now() + 180 * DAY, retireAt: null, removedAt: null, lastUsedAt: null,
});

/** A client app registered by the platform app (so it owns it), with one secret; stored as Gatehouse would. */
async function registeredApp(provider: Provider, envId: string, name: string) {
  const p = identityFor(provider) as EntraIdentityProvider;
  const { registration } = await p.upsertClient({ uniqueName: `gh-${name}-${randomBytes(3).toString('hex')}`, displayName: name });
  await p.ensureClientPrincipal(registration.clientId);
  const issued = await p.addSecret(registration.objectId, { displayName: `gatehouse ${name}`, expiresAt: now() + 180 * DAY });
  const app: ClientApp = {
    id: newId('app', now()), environmentId: envId, name, description: '', ownerContacts: [], ownerSubject: null, providerId: null,
    clientId: registration.clientId, registration: { clientId: registration.clientId, objectId: registration.objectId, uniqueName: registration.uniqueName },
    createdAt: now(), updatedAt: now(),
  };
  const credential = credentialRow('app', app.id, issued.keyId, 'gatehouse');
  await store.transaction(async (tx) => {
    await tx.apps.insert(app);
    await tx.credentials.insert(credential);
  });
  return { app, credential, secret: issued.secret, objectId: registration.objectId, adapter: p };
}

const inventoryOf = async (credentialId: string) =>
  (await listCredentialInventory({ store, clock: emu.control.clock })).find((i) => i.credential.id === credentialId)!;

before(async () => {
  emu = await startEntraEmulator({ adminAppPermissions: [OWNED_BY, AUDIT] });
  store = await openStore({ url: 'sqlite::memory:', clock: emu.control.clock });
});
after(async () => {
  await store?.close();
  await emu?.close();
});

describe('with P1/P2 and AuditLog.Read.All', () => {
  let provider: Provider;
  let envId: string;
  let busy: Awaited<ReturnType<typeof registeredApp>>;
  let idle: Awaited<ReturnType<typeof registeredApp>>;
  let external: { credential: Credential; secret: string };
  let platformCredential: Credential;
  const lastSync = new Map<string, CredentialActivityMemo>();
  let deps: CredentialActivityDeps;

  before(async () => {
    provider = await insertProvider(emu.admin.clientId, emu.admin.clientSecret);
    envId = (await store.environments.list({ name: `env-${provider.id.slice(-6)}` })).items[0]!.id;
    busy = await registeredApp(provider, envId, 'busy');
    idle = await registeredApp(provider, envId, 'idle');
    // A second secret added in Entra by someone else, imported by reconcile as an external credential.
    const added = await busy.adapter.addSecret(busy.objectId, { displayName: 'added in the portal', expiresAt: now() + 365 * DAY });
    external = { credential: credentialRow('app', busy.app.id, added.keyId, 'external'), secret: added.secret };
    // The platform app's own secret, as the provider credential sync records it.
    const state = emu.control.state() as { tenants: { applications: { appId: string; passwordCredentials: { keyId: string }[] }[] }[] };
    const platformKeyId = state.tenants[0]!.applications.find((a) => a.appId === emu.admin.clientId)!.passwordCredentials[0]!.keyId;
    platformCredential = credentialRow('provider', provider.id, platformKeyId, 'gatehouse');
    await store.transaction(async (tx) => {
      await tx.credentials.insert(external.credential);
      await tx.credentials.insert(platformCredential);
    });
    deps = { store, clock: emu.control.clock, identityFor, lastSync };
  });

  test('sign-ins become lastUsedAt from the IdP for exactly the credentials used; no snapshot rebuild, no audit', async () => {
    const usedAt = now();
    await tokenFor(emu, busy.app.clientId!, busy.secret);
    await tokenFor(emu, busy.app.clientId!, external.secret);
    emu.control.clock.advance(30 * 60_000); // reports lag
    const counter = await store.changeCounter();
    const audits = (await store.audit.list({}, { limit: 500 })).items.length;

    const report = await credentialActivityPhase(deps);
    const mine = report.providers.find((p) => p.providerId === provider.id)!;
    assert.equal(mine.read, true);
    assert.equal(mine.unavailable, undefined);
    assert.equal(mine.updated, 3, "the busy app's two secrets and the platform app's own (it signed in to read the report)");

    for (const c of [busy.credential, external.credential]) {
      const item = await inventoryOf(c.id);
      assert.equal(item.lastUsedSource, 'idp', c.origin);
      assert.ok(Math.abs(item.lastUsedAt! - usedAt) < 5_000, 'the sign-in time, not the time of the read');
      assert.equal(item.credential.lastUsedSource, 'idp');
    }
    const idleItem = await inventoryOf(idle.credential.id);
    assert.equal(idleItem.lastUsedAt, null, 'never signed in');
    assert.equal(idleItem.lastUsedSource, null);
    assert.equal((await inventoryOf(platformCredential.id)).lastUsedSource, 'idp');

    assert.equal(await store.changeCounter(), counter, 'an observation does not rebuild the gateway snapshot');
    assert.equal((await store.audit.list({}, { limit: 500 })).items.length, audits, 'nor write audit events');
  });

  test('read at most every 6 h; a later sign-in moves lastUsedAt forward, never back', async () => {
    const before = reads.get(provider.id)!;
    const again = await credentialActivityPhase(deps);
    assert.equal(again.providers.find((p) => p.providerId === provider.id)!.read, false);
    assert.equal(reads.get(provider.id), before, 'not due: no Graph call');

    emu.control.clock.advance(6 * HOUR);
    const secondUse = now();
    await tokenFor(emu, busy.app.clientId!, busy.secret);
    const report = await credentialActivityPhase(deps);
    assert.equal(reads.get(provider.id), before + 1);
    assert.equal(report.providers.find((p) => p.providerId === provider.id)!.read, true);
    const item = await inventoryOf(busy.credential.id);
    assert.ok(Math.abs(item.lastUsedAt! - secondUse) < 5_000);
    assert.ok((await inventoryOf(external.credential.id)).lastUsedAt! < secondUse - HOUR, 'the other secret keeps its own last use');
  });

  test('stale report: a credential unused in Entra for 90 days is a candidate although its app is busy through another', async () => {
    emu.control.clock.advance(100 * DAY);
    await tokenFor(emu, busy.app.clientId!, external.secret);
    await store.usage.touchApps([{ appId: busy.app.id, lastSeenAt: now(), sourceAddresses: [] }]);
    await credentialActivityPhase({ ...deps, lastSync: new Map() });

    const stale = await staleClientReport({ store, clock: emu.control.clock }, { unusedDays: 90, environmentId: envId });
    assert.deepEqual(stale.credentials.map((c) => c.credential.id), [busy.credential.id]);
    assert.equal(stale.credentials[0]!.credential.lastUsedSource, 'idp');
    assert.deepEqual(stale.apps.map((a) => a.app.id), [idle.app.id], 'the idle app is stale as a whole; the busy one is not');
  });

  test('an app seen only by Entra (it signs in, but not through the gateway) is not a stale app', async () => {
    emu.control.clock.advance(10 * DAY);
    await tokenFor(emu, idle.app.clientId!, idle.secret);
    await credentialActivityPhase({ ...deps, lastSync: new Map() });
    const stale = await staleClientReport({ store, clock: emu.control.clock }, { unusedDays: 90, environmentId: envId });
    assert.ok(!stale.apps.some((a) => a.app.id === idle.app.id));
  });
});

describe('when the report is not available', () => {
  test('licence off: unavailable with the hint, no throw, logged once, no Graph call before the 24 h back-off', async () => {
    const provider = await insertProvider(emu.admin.clientId, emu.admin.clientSecret);
    const lines: LogLine[] = [];
    const deps: CredentialActivityDeps = { store, clock: emu.control.clock, identityFor, lastSync: new Map(), logger: recordingLogger(lines) };
    emu.control.setLicence('free');
    try {
      const first = (await credentialActivityPhase(deps)).providers.find((p) => p.providerId === provider.id)!;
      assert.equal(first.read, false);
      assert.equal(first.unavailable?.code, 'IDP_FEATURE_UNAVAILABLE');
      assert.match(first.unavailable!.hint, /P1 or P2/);
      assert.equal(reads.get(provider.id), 1);

      emu.control.clock.advance(12 * HOUR); // past the 6 h interval, inside the back-off
      const second = (await credentialActivityPhase(deps)).providers.find((p) => p.providerId === provider.id)!;
      assert.equal(second.unavailable?.code, 'IDP_FEATURE_UNAVAILABLE', 'still reported');
      assert.equal(reads.get(provider.id), 1, 'but not asked again');

      emu.control.clock.advance(12 * HOUR);
      await credentialActivityPhase(deps);
      assert.equal(reads.get(provider.id), 2, 'asked again after 24 h');
      const said = lines.filter((l) => l.fields.providerId === provider.id && /unavailable/.test(l.message));
      assert.equal(said.length, 1, 'logged once, with the hint');
      assert.match(String(said[0]!.fields.hint), /P1 or P2/);
    } finally {
      emu.control.setLicence('P2');
    }
    emu.control.clock.advance(24 * HOUR);
    const back = (await credentialActivityPhase(deps)).providers.find((p) => p.providerId === provider.id)!;
    assert.equal(back.read, true);
    assert.equal(back.unavailable, undefined);
    assert.ok(lines.some((l) => l.fields.providerId === provider.id && /available again/.test(l.message)));
  });

  test('without AuditLog.Read.All: IDP_PERMISSION_MISSING with the permission to grant; other providers are still read', async () => {
    const platform = emu.control.seedApp({ displayName: 'least privilege platform', permissions: [OWNED_BY] });
    const limited = await insertProvider(platform.clientId, platform.clientSecret!);
    const full = await insertProvider(emu.admin.clientId, emu.admin.clientSecret);
    const report = await credentialActivityPhase({ store, clock: emu.control.clock, identityFor, lastSync: new Map() });
    const item = report.providers.find((p) => p.providerId === limited.id)!;
    assert.equal(item.unavailable?.code, 'IDP_PERMISSION_MISSING');
    assert.match(item.unavailable!.hint, /AuditLog\.Read\.All.*admin consent/);
    assert.equal(report.providers.find((p) => p.providerId === full.id)!.read, true);
  });

  test('an adapter that fails outright is reported and retried later, never thrown', async () => {
    const provider = await insertProvider(emu.admin.clientId, emu.admin.clientSecret);
    const lastSync = new Map<string, CredentialActivityMemo>();
    const broken = (p: Provider): IdentityProvider => {
      if (p.id === provider.id) throw new Error('adapter construction failed');
      return identityFor(p);
    };
    const report = await credentialActivityPhase({ store, clock: emu.control.clock, identityFor: broken, lastSync, logger: recordingLogger([]) });
    assert.deepEqual(report.providers.find((p) => p.providerId === provider.id)!.error, { code: 'INTERNAL' });
    assert.ok(lastSync.get(provider.id)!.nextAt <= now() + HOUR, 'retried well before the 6 h interval');
  });
});
