import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEntraEmulator, type EntraEmulator } from '../../../emulator/entra/index.ts';
import type { EmulatorContext } from '../../../emulator/entra/context.ts';
import { Directory } from '../../../emulator/entra/directory/directory.ts';
import { createApplication, type Change } from '../../../emulator/entra/directory/applications.ts';
import { addPassword } from '../../../emulator/entra/directory/credentials.ts';
import { saveDirectory } from '../../../emulator/entra/directory/persistence.ts';
import { seedApp } from '../../../emulator/entra/admin/seed.ts';
import type { ClientApp, Credential, Environment, Provider } from '../../../core/domain.ts';
import { newId } from '../../../core/ids.ts';
import type { Store } from '../../../core/ports/store.ts';
import { emulatorAdapter } from '../../../identity/entra/emulator-fixture.ts';
import type { EntraIdentityProvider } from '../../../identity/entra/adapter.ts';
import { uniqueNameForApp } from '../../onboarding/names.ts';
import { openStore } from '../../../store/index.ts';

/**
 * A reconcile test world: the Entra emulator with `apps` client apps already registered and owned by the platform app
 * (each with one secret, uniqueName `gh-{appId}` and the onboarding tags), the real Entra adapter pointed at it
 * (virtual time), and an in-memory store holding the same apps and credential rows, as onboarding leaves them.
 *
 * Seeding 10,000 apps through Graph would take minutes, and the emulator's control API cannot seed apps owned by the
 * platform app, so the directory is built in process with the emulator's own directory functions, saved with its own
 * persistence, and loaded by `startEntraEmulator({ persistDirectory: true })`. No Graph call is involved.
 */
export interface ReconcileWorld {
  emu: EntraEmulator;
  idp: EntraIdentityProvider;
  store: Store;
  env: Environment;
  provider: Provider;
  clock: { now(): number; advance(ms: number): void };
  pairs: SeededPair[];
  close(): Promise<void>;
}

export interface SeededPair { app: ClientApp; credential: Credential; objectId: string; clientId: string }

const DAY = 86_400_000;

export interface WorldOptions {
  apps: number;
  /** Store to use instead of in-memory SQLite (e.g. a PostgreSQL test schema). */
  store?: { url: string; schema?: string };
}

export async function startWorld(options: WorldOptions): Promise<ReconcileWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-reconcile-'));
  const t0 = Date.now();
  const now = Date.now();
  const envId = newId('environment', now);
  const directory = new Directory();
  // seedApp needs only the directory and a clock from the context.
  const seedCtx = { directory, clock: { now: () => t0 } } as unknown as EmulatorContext;
  const tenant = directory.addTenant(t0);
  const admin = seedApp(seedCtx, { tenantId: tenant.id, displayName: 'Gatehouse emulator admin', permissions: ['Application.ReadWrite.OwnedBy'] });
  // Each app is created in an empty scratch tenant and then moved: createApplication checks uniqueness by scanning the
  // tenant (fine for Graph traffic, quadratic for a 10,000-app seed). Our uniqueNames are unique by construction.
  const scratch = new Directory().addTenant(t0);
  const change: Change = { tenant: scratch, nowMs: t0, actor: { appId: admin.clientId, displayName: 'Gatehouse emulator admin', servicePrincipalId: admin.servicePrincipalId! } };
  const seeded: { appId: string; name: string; objectId: string; clientId: string; keyId: string; hint: string; start: number; end: number }[] = [];
  for (let i = 0; i < options.apps; i++) {
    const appId = newId('app', now);
    const name = `app-${String(i).padStart(5, '0')}`;
    const record = createApplication(change, {
      displayName: name, uniqueName: uniqueNameForApp(appId), signInAudience: 'AzureADMyOrg', tags: ['gatehouse', `gatehouse:env:${envId}`],
    }, admin.servicePrincipalId!);
    scratch.applications.delete(record.id);
    tenant.applications.set(record.id, record);
    const end = t0 + 180 * DAY;
    const secret = addPassword(change, record, { passwordCredential: { displayName: 'gatehouse seed', endDateTime: new Date(end).toISOString() } });
    record.createdAtMs = Number.NEGATIVE_INFINITY; // "since ever": replication lag applies to what clients create
    for (const s of record.secrets) s.addedAtMs = Number.NEGATIVE_INFINITY;
    seeded.push({
      appId, name, objectId: record.id, clientId: record.appId, keyId: secret.keyId as string, hint: secret.hint as string,
      start: Date.parse(secret.startDateTime as string), end: Date.parse(secret.endDateTime as string),
    });
  }
  saveDirectory(join(dataDir, 'directory.json'), directory, { admins: [admin] });

  const emu = await startEntraEmulator({ dataDir, persistDirectory: true });
  emu.control.updateSettings({ ownedObjectQuota: 1_000_000 });
  const idp = emulatorAdapter(emu);
  const clock = emu.control.clock;
  const store = await openStore({ url: options.store?.url ?? 'sqlite::memory:', ...(options.store?.schema ? { schema: options.store.schema } : {}), clock });
  const provider: Provider = {
    id: newId('provider', now), name: 'entra-emulator', kind: 'entra', config: { tenantId: emu.tenantId },
    secretCiphertext: null, createdAt: now, updatedAt: now,
  };
  const env: Environment = {
    id: envId, name: 'sandbox', description: '', defaultProviderId: provider.id, providerIds: [provider.id],
    settings: { credentialLifetimeDays: 180, alertThresholdsDays: [30] }, createdAt: now, updatedAt: now,
  };
  const pairs: SeededPair[] = seeded.map((s) => ({
    objectId: s.objectId, clientId: s.clientId,
    app: {
      id: s.appId, environmentId: envId, name: s.name, description: '', ownerContacts: [], ownerSubject: null, providerId: null,
      clientId: s.clientId, registration: { clientId: s.clientId, objectId: s.objectId, uniqueName: uniqueNameForApp(s.appId) },
      createdAt: now, updatedAt: now,
    },
    credential: {
      id: newId('credential', now), ownerType: 'app', ownerId: s.appId, kind: 'secret', keyId: s.keyId, hint: s.hint,
      secretHash: null, origin: 'gatehouse', state: 'active', createdAt: s.start, expiresAt: s.end,
      retireAt: null, removedAt: null, lastUsedAt: null,
    },
  }));
  await store.transaction(async (tx) => {
    await tx.providers.insert(provider);
    await tx.environments.insert(env);
  });
  for (let i = 0; i < pairs.length; i += 1000) {
    await store.transaction(async (tx) => {
      for (const p of pairs.slice(i, i + 1000)) {
        await tx.apps.insert(p.app);
        await tx.credentials.insert(p.credential);
      }
    });
  }
  return {
    emu, idp, store, env, provider, clock, pairs,
    close: async () => {
      await store.close();
      await emu.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
