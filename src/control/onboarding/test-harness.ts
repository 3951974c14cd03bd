import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { Api, ClientApp, Contract, Environment, Provider, Tier } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import type { Store } from '../../core/ports/store.ts';
import { startEntraEmulator, type EntraEmulator } from '../../emulator/entra/index.ts';
import { EntraIdentityProvider } from '../../identity/entra/adapter.ts';
import { parseEntraConfig, type EntraPlatformCredential } from '../../identity/entra/config.ts';
import { emulatorProviderConfig } from '../../identity/entra/emulator-fixture.ts';
import { sealEntraCredential } from '../../identity/factory.ts';
import { vaultFromKey, type Vault } from '../../platform/vault.ts';
import { openStore } from '../../store/index.ts';
import { createJobRunner, type JobRunner, type JobRunnerOptions } from '../jobs/runner.ts';
import type { OnboardingDeps } from './deps.ts';
import { onboardingHandlers } from './index.ts';
import { requestOnboarding } from './requests.ts';

/**
 * End-to-end wiring for tests and benchmarks: the Entra emulator, a store, a vault, an `entra` provider row pointing
 * at the emulator, one environment, and a job runner with the onboarding handlers. Rows are written straight to the
 * store (not through the CRUD services), so these scenarios exercise only identity + jobs.
 */
export interface HarnessOptions {
  permissions?: string[];
  /** Store URL; default in-memory SQLite. */
  storeUrl?: string;
  /** Reuse a running emulator (e.g. across a restarted child process). */
  emulator?: EntraEmulator;
  /** Provider/environment ids to reuse from an existing store (restart scenarios). */
  reuse?: { providerId: string; environmentId: string };
  /** Adapter sleeps advance the emulator clock instead of waiting (fast tests). Default true. */
  virtualTime?: boolean;
  runner?: Partial<JobRunnerOptions>;
  purgeDelayMs?: number;
  masterKey?: Buffer;
  /** Platform credential override (defaults to the emulator's admin secret). */
  credential?: Record<string, unknown>;
}

export interface Harness {
  emu: EntraEmulator;
  store: Store;
  vault: Vault;
  clock: Clock;
  deps: OnboardingDeps;
  runner: JobRunner;
  providerId: string;
  environmentId: string;
  identityFor(provider: Provider): IdentityProvider;
  provider(): Promise<Provider>;
  addApi(name: string): Promise<Api>;
  /** Creates an app with an approved contract on `api` and enqueues its onboarding; returns the app and job id. */
  addOnboardedApp(name: string, api: Api): Promise<{ app: ClientApp; jobId: string }>;
  /** The same for `count` apps in one transaction (bulk scenarios). */
  addOnboardedApps(prefix: string, count: number, api: Api): Promise<{ app: ClientApp; jobId: string }[]>;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emu = options.emulator ?? await startEntraEmulator({
    adminAppPermissions: options.permissions ?? ['Application.ReadWrite.OwnedBy', 'AppRoleAssignment.ReadWrite.All', 'Application.Read.All'],
  });
  const clock: Clock = emu.control.clock;
  const store = await openStore({ url: options.storeUrl ?? 'sqlite::memory:', clock });
  const vault = vaultFromKey(options.masterKey ?? randomBytes(32));
  const virtual = options.virtualTime ?? true;
  const adapters = new Map<string, IdentityProvider>();
  const identityFor = (provider: Provider): IdentityProvider => {
    const key = `${provider.id}@${provider.updatedAt}`;
    let a = adapters.get(key);
    if (!a) {
      const credential = JSON.parse(vault.decrypt(provider.secretCiphertext!, provider.id)) as EntraPlatformCredential;
      a = new EntraIdentityProvider({
        config: parseEntraConfig(provider.config), credential, providerLabel: provider.name, clock,
        ...(virtual ? { sleep: async (ms: number) => emu.control.clock.advance(ms) } : {}),
      });
      adapters.set(key, a);
    }
    return a;
  };

  let providerId = options.reuse?.providerId;
  let environmentId = options.reuse?.environmentId;
  if (!providerId || !environmentId) {
    const now = clock.now();
    providerId = newId('provider', now);
    environmentId = newId('environment', now);
    const provider: Provider = {
      id: providerId, name: `emulator-${providerId.slice(-6)}`, kind: 'entra', config: emulatorProviderConfig(emu),
      secretCiphertext: sealEntraCredential(vault, providerId, options.credential ?? { clientSecret: emu.admin.clientSecret }),
      createdAt: now, updatedAt: now,
    };
    const env: Environment = {
      id: environmentId, name: `sandbox-${environmentId.slice(-6)}`, description: '', defaultProviderId: providerId, providerIds: [providerId],
      settings: { credentialLifetimeDays: 180, alertThresholdsDays: [30, 7] }, createdAt: now, updatedAt: now,
    };
    await store.transaction(async (tx) => {
      await tx.providers.insert(provider);
      await tx.environments.insert(env);
    });
  }
  const deps: OnboardingDeps = { store, clock, vault, identityFor, ...(options.purgeDelayMs !== undefined ? { purgeDelayMs: options.purgeDelayMs } : {}) };
  const runner = createJobRunner({ store, clock, handlers: onboardingHandlers(deps), ...options.runner });
  const envId = environmentId;
  const provId = providerId;

  const harness: Harness = {
    emu, store, vault, clock, deps, runner, providerId: provId, environmentId: envId, identityFor,
    provider: async () => (await store.providers.get(provId))!,
    async addApi(name) {
      const now = clock.now();
      const api: Api = {
        id: newId('api', now), environmentId: envId, name, version: 'v1', basePath: `/${name}/v1`, upstreamUrl: 'http://127.0.0.1:9',
        providerId: null, policies: [{ type: 'entra-token', config: {} }], createdAt: now, updatedAt: now,
      };
      const tier: Tier = { id: newId('tier', now), apiId: api.id, name: 'gold', limit: { requests: 100, windowSeconds: 60 }, approval: 'auto', createdAt: now, updatedAt: now };
      await store.transaction(async (tx) => { await tx.apis.insert(api); await tx.tiers.insert(tier); });
      return api;
    },
    async addOnboardedApp(name, api) {
      return (await harness.addOnboardedApps(name, 1, api))[0]!;
    },
    async addOnboardedApps(prefix, count, api) {
      const tierId = (await store.tiers.list({ apiId: api.id })).items[0]!.id;
      return store.transaction(async (tx) => {
        const provider = (await tx.providers.get(provId))!;
        const out: { app: ClientApp; jobId: string }[] = [];
        for (let i = 0; i < count; i++) {
          const now = clock.now();
          const app: ClientApp = {
            id: newId('app', now), environmentId: envId, name: count === 1 ? prefix : `${prefix}-${i}`, description: '', ownerContacts: [],
            ownerSubject: null, providerId: null, clientId: null, registration: null, createdAt: now, updatedAt: now,
          };
          const contract: Contract = {
            id: newId('contract', now), appId: app.id, apiId: api.id, tierId, state: 'approved',
            requestedBy: 'test', decidedBy: 'test', reason: null, createdAt: now, updatedAt: now,
          };
          await tx.apps.insert(app);
          await tx.contracts.insert(contract);
          const job = await requestOnboarding(tx, now, app, provider);
          out.push({ app, jobId: job!.id });
        }
        return out;
      });
    },
    async close() {
      await runner.stop();
      await store.close();
      if (!options.emulator) await emu.close();
    },
  };
  return harness;
}
