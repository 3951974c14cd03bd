import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.ts';
import type { Environment, Provider } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { Store } from '../../core/ports/store.ts';
import { SYSTEM_CALLER, listAll, audit } from '../../control/context.ts';
import { DEFAULT_ENVIRONMENT_SETTINGS } from '../../control/environments.ts';
import { readResourceApp, requestResourceAppSetup } from '../../control/onboarding/index.ts';
import type { JobRunner } from '../../control/jobs/runner.ts';
import { startEntraEmulator, type EntraEmulator } from '../../emulator/entra/index.ts';
import { sealEntraCredential } from '../../identity/factory.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Vault } from '../../platform/vault.ts';

/**
 * The embedded sandbox (issue 4.7): with no provider configured at all, `serve` runs the Entra emulator in-process
 * and wires an `entra` provider and a `sandbox` environment to it, so the whole onboarding → token → gateway story
 * works on a laptop. The emulator keeps its directory in `dataDir` (persistDirectory), so a restart finds the same
 * tenant, admin app and secret the stored provider holds. Later starts restart the emulator whenever the sandbox
 * provider exists; pointing the environment at a real tenant is a `provider create` + `env update` away.
 */
export const SANDBOX_PROVIDER_NAME = 'sandbox-entra';
export const SANDBOX_ENVIRONMENT_NAME = 'sandbox';

/**
 * What the platform app may do in the emulated tenant: the least-privilege production setup (it owns what it creates;
 * the gateway's contract check authorises). App-role grants stay off: the emulator copies a resource app's roles to
 * its service principal only when the principal is created, so roles of APIs added later could not be granted.
 */
const SANDBOX_PERMISSIONS = [
  'Application.ReadWrite.OwnedBy',
  // Read-only and optional: lets the sandbox show each credential's last use as Entra reports it (docs/configuration.md).
  'AuditLog.Read.All',
];

export interface SandboxOptions {
  store: Store;
  vault: Vault;
  clock: Clock;
  /** Emulator data (CA, keys, directory.json). */
  dataDir: string;
  /** Emulator port; default: the port the sandbox used last time when free, else any free port. */
  port?: number;
  logger: Logger;
}

export interface Sandbox {
  emulator: EntraEmulator;
  provider: Provider;
  environment: Environment;
  /** True when this start created the provider and environment. */
  created: boolean;
  /** The environment's resource app is set up (its identifier URI is the token scope). */
  resourceApp: { clientId: string; identifierUri: string } | null;
}

/** The sandbox provider, if one exists; null also when sandbox mode does not apply (other providers configured). */
export async function findSandboxProvider(store: Store): Promise<{ sandbox: Provider | null; providerCount: number }> {
  const providers = await listAll((page) => store.providers.list({}, page));
  return { sandbox: providers.find((p) => p.name === SANDBOX_PROVIDER_NAME && p.kind === 'entra') ?? null, providerCount: providers.length };
}

/** Starts the emulator and creates or refreshes the sandbox provider and environment. */
export async function startSandbox(existing: Provider | null, options: SandboxOptions): Promise<Sandbox> {
  const { store, vault, clock, logger } = options;
  const previousTenant = typeof existing?.config.tenantId === 'string' ? existing.config.tenantId : undefined;
  const emulator = await startEntraEmulator({
    dataDir: options.dataDir,
    persistDirectory: true,
    host: '127.0.0.1',
    port: options.port ?? (await previousPortIfFree(existing)),
    adminAppPermissions: SANDBOX_PERMISSIONS,
    ...(previousTenant ? { tenants: [previousTenant] } : {}),
  });
  try {
    const host = new URL(emulator.url).host;
    const wanted = {
      tenantId: emulator.tenantId, clientId: emulator.admin.clientId, authorityHost: host, graphHost: host, caCertPem: emulator.caCertPem,
    };
    const now = clock.now();
    const result = await store.transaction(async (tx) => {
      let provider = existing ? await tx.providers.get(existing.id) : null;
      let created = false;
      if (!provider) {
        const id = newId('provider', now);
        provider = {
          id, name: SANDBOX_PROVIDER_NAME, kind: 'entra', config: { ...wanted },
          secretCiphertext: sealEntraCredential(vault, id, { clientSecret: emulator.admin.clientSecret }), createdAt: now, updatedAt: now,
        };
        await tx.providers.insert(provider);
        await audit(tx, SYSTEM_CALLER, now, { type: 'provider.created', entityType: 'provider', entityId: id, before: null, after: provider });
        created = true;
      } else if (needsRefresh(provider, wanted, vault, emulator.admin.clientSecret)) {
        // A new port, a fresh emulator directory (deleted data dir) or a new master key: follow the emulator.
        const tenantChanged = provider.config.tenantId !== wanted.tenantId;
        const after: Provider = {
          ...provider,
          config: { ...provider.config, ...wanted, ...(tenantChanged ? { resourceApps: {} } : {}) },
          secretCiphertext: sealEntraCredential(vault, provider.id, { clientSecret: emulator.admin.clientSecret }),
          updatedAt: now,
        };
        await tx.providers.update(after);
        await audit(tx, SYSTEM_CALLER, now, { type: 'provider.updated', entityType: 'provider', entityId: provider.id, before: provider, after });
        provider = after;
      }
      const environments = await listAll((page) => tx.environments.list({}, page));
      let environment = environments.find((e) => e.defaultProviderId === provider.id && e.name === SANDBOX_ENVIRONMENT_NAME)
        ?? environments.find((e) => e.defaultProviderId === provider.id) ?? null;
      if (!environment && !environments.some((e) => e.name === SANDBOX_ENVIRONMENT_NAME)) {
        environment = {
          id: newId('environment', now), name: SANDBOX_ENVIRONMENT_NAME,
          description: 'Try-out environment wired to the built-in Entra ID emulator (gatehouse serve --no-sandbox turns it off).',
          defaultProviderId: provider.id, providerIds: [provider.id], settings: { ...DEFAULT_ENVIRONMENT_SETTINGS }, createdAt: now, updatedAt: now,
        };
        await tx.environments.insert(environment);
        await audit(tx, SYSTEM_CALLER, now, { type: 'environment.created', entityType: 'environment', entityId: environment.id, before: null, after: environment });
      }
      if (environment && !readResourceApp(provider, environment.id)) await requestResourceAppSetup(tx, now, environment.id, provider);
      return { provider, environment, created };
    });
    if (!result.environment) {
      logger.warn('an environment named "sandbox" exists but uses another provider; the sandbox provider is left unbound');
    }
    return { emulator, provider: result.provider, environment: result.environment!, created: result.created, resourceApp: null };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** Runs the resource-app setup (and anything else due) to completion, then reads the sandbox's resource app. */
export async function settleSandbox(sandbox: Sandbox, store: Store, runner: JobRunner, logger: Logger): Promise<Sandbox> {
  await runner.runUntilIdle();
  const provider = (await store.providers.get(sandbox.provider.id)) ?? sandbox.provider;
  const resourceApp = sandbox.environment ? readResourceApp(provider, sandbox.environment.id) : null;
  if (sandbox.environment && !resourceApp) logger.warn('the sandbox resource app could not be set up yet; see GET /v1/audit and the job log');
  return { ...sandbox, provider, resourceApp: resourceApp ? { clientId: resourceApp.clientId, identifierUri: resourceApp.identifierUri } : null };
}

function needsRefresh(provider: Provider, wanted: Record<string, unknown>, vault: Vault, adminSecret: string): boolean {
  for (const [k, v] of Object.entries(wanted)) if (provider.config[k] !== v) return true;
  try {
    const credential = JSON.parse(vault.decrypt(provider.secretCiphertext ?? '', provider.id)) as { clientSecret?: string };
    return credential.clientSecret !== adminSecret;
  } catch {
    return true;
  }
}

/** Keeps the emulator's URL stable across restarts (API policies and clients remember it) when the old port is free. */
async function previousPortIfFree(existing: Provider | null): Promise<number> {
  const host = typeof existing?.config.authorityHost === 'string' ? existing.config.authorityHost : '';
  const port = Number(host.split(':')[1] ?? 0);
  if (!port) return 0;
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  return free ? port : 0;
}

export const sandboxDataDir = (dataDir: string) => join(dataDir, 'emulator');
