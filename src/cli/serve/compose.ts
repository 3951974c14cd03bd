import type { BannerSandbox } from './banner.ts';
import type { Store } from '../../core/ports/store.ts';
import type { Clock } from '../../core/clock.ts';
import { silentLogger, type Logger } from '../../platform/logger.ts';
import { openStore } from '../../store/index.ts';
import { createManagementApi, startManagementServer } from '../../api/index.ts';
import { ensureBootstrapToken } from '../../control/tokens.ts';
import { startGateway, type Gateway } from '../../gateway/index.ts';
import { rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { Agent } from 'undici';
import { systemClock } from '../../core/clock.ts';
import type { Provider } from '../../core/domain.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import { createServices } from '../../control/index.ts';
import { registerPolicySchema } from '../../control/policy-schemas.ts';
import { registerProviderKind } from '../../control/provider-kinds.ts';
import { withApiTriggers } from '../../control/onboarding-triggers.ts';
import { createJobRunner } from '../../control/jobs/runner.ts';
import { onboardingHandlers } from '../../control/onboarding/index.ts';
import { latestReconciles, reconcileJobHandler, registerReconcileGauges } from '../../control/reconcile/index.ts';
import type { EntraIdentityProvider } from '../../identity/entra/adapter.ts';
import { listCredentialInventory, registerCredentialExpiryGauge, startLifecycle } from '../../control/lifecycle/index.ts';
import { openLifecycleStore } from '../../store/lifecycle/index.ts';
import { entraConfigSchema } from '../../identity/entra/config-schema.ts';
import { createIdentityProvider } from '../../identity/factory.ts';
import { GatewayMetrics } from '../../gateway/metrics/gateway-metrics.ts';
import { JwksRegistry, oauthTokenConfigSchema } from '../../gateway/policies/oauth-token/index.ts';
import { ipFilterConfigSchema } from '../../gateway/policies/ip-filter/config.ts';
import { openVault, type Vault } from '../../platform/vault.ts';
import { rateLimitStoreFrom } from './rate-limit-store.ts';
import { parsePublicApiUrl } from '../../notify/config.ts';
import { findSandboxProvider, sandboxDataDir, settleSandbox, startSandbox, type Sandbox } from './sandbox.ts';

// The composition root decides which provider kinds and policy types this build offers (the control plane validates
// against these registries; the gateway owns the runtime handlers).
registerProviderKind('entra', entraConfigSchema);
registerPolicySchema('oauth-token', oauthTokenConfigSchema);
registerPolicySchema('ip-filter', ipFilterConfigSchema);

/**
 * One Gatehouse in one process: store, gateway and management API, wired together. `gatehouse serve` runs it;
 * tests and later features (an embedded Entra emulator sandbox) reuse it. Port 0 picks free ports.
 */
export interface GatehouseOptions {
  /** 'sqlite::memory:', 'sqlite:/path/file.db' or 'postgres://…'; default: SQLite under `dataDir`. */
  databaseUrl?: string;
  /** Where the default SQLite file lives (default ./data). */
  dataDir?: string;
  /** Management API port (default 8080). */
  apiPort?: number;
  /** Gateway port (default 8000). */
  gatewayPort?: number;
  /** Interface both servers bind (default 127.0.0.1: nothing is exposed until the operator says so). */
  host?: string;
  logger?: Logger;
  clock?: Clock;
  /** How often the gateway checks the store for changes (default: the gateway's own). */
  gatewayPollIntervalMs?: number;
  /**
   * Embedded Entra emulator sandbox (issue 4.7): 'auto' starts it when no provider exists yet, or when the sandbox
   * provider exists from an earlier start; false (the default for embedders and tests) never starts it.
   * `gatehouse serve` passes 'auto' unless --no-sandbox / GATEHOUSE_SANDBOX=0.
   */
  sandbox?: 'auto' | false;
  /** Emulator port for the sandbox (default: its previous port when free, else any free port). */
  emulatorPort?: number;
  /** Where the master key and alert channels come from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Job runner poll interval, ms (default 500). */
  jobPollMs?: number;
  /** Lifecycle scheduler tick, ms (default: the scheduler's own). */
  lifecycleIntervalMs?: number;
  /**
   * Scheduled reconcile of every Entra provider: a run starts once the previous one ended `intervalMs` ago; `fix`
   * repairs what is safe. Off unless given (embedders and tests); `gatehouse serve` turns it on every 6 hours,
   * report-only (GATEHOUSE_RECONCILE_INTERVAL, GATEHOUSE_RECONCILE_FIX).
   */
  reconcile?: { intervalMs: number; fix: boolean };
  /** Redis for rate-limit counters shared with other gateways (`redis://…`); default: in memory. */
  redisUrl?: string;
}

/** What the sandbox looks like once running (for the banner and tests). */
export interface SandboxInfo extends BannerSandbox {
  /** True when this start created the sandbox provider and environment. */
  created: boolean;
}

export interface RunningGatehouse {
  apiUrl: string;
  gatewayUrl: string;
  /** Plaintext of the admin token created on first start; null when an admin token already existed. Shown once. */
  bootstrapToken: string | null;
  store: Store;
  vault: Vault;
  /** Null when the sandbox is off or not applicable. */
  sandbox: SandboxInfo | null;
  /** Runs every due job now (tests; the background runner does this anyway). */
  runJobs(): Promise<number>;
  /** Stops the API server, the job runner and scheduler, the gateway (which flushes usage), the emulator, the store. Idempotent. */
  close(): Promise<void>;
}

export async function startGatehouse(options: GatehouseOptions = {}): Promise<RunningGatehouse> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  // Closed in reverse order of start; also used to undo a half-finished start.
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
      }
    }
  };

  try {
    const env = options.env ?? process.env;
    const clock = options.clock ?? systemClock;
    const dataDir = options.dataDir ?? './data';
    const store = await openStore({ url: options.databaseUrl, dataDir: options.dataDir, clock: options.clock });
    closers.push(() => store.close());
    const bootstrapToken = await ensureBootstrapToken(store, options.clock);
    // Provider credentials and one-time secret deliveries are sealed with the master key (env, else a key file
    // created beside the database on first start).
    const vault = openVault({ env, keyFile: join(dataDir, 'master.key') });

    // One adapter per provider version: its token cache survives across jobs, and a provider change builds a new one.
    const adapters = new Map<string, IdentityProvider>();
    const identityFor = (provider: Provider): IdentityProvider => {
      const key = `${provider.id}@${provider.updatedAt}`;
      let adapter = adapters.get(key);
      if (!adapter) {
        for (const [k, old] of adapters) {
          if (!k.startsWith(`${provider.id}@`)) continue;
          adapters.delete(k);
          // A job may still be using the replaced adapter: let its pool drain rather than cut it.
          setTimeout(() => void old.close?.().catch(() => {}), 60_000).unref();
        }
        adapter = createIdentityProvider(provider, { vault, clock });
        adapters.set(key, adapter);
      }
      return adapter;
    };
    // Pushed before the runner and the scheduler, so it runs after both have stopped (closers run in reverse).
    closers.push(async () => {
      await Promise.all([...adapters.values()].map((a) => a.close?.()));
      adapters.clear();
    });
    // One job at a time: jobs run in enqueue order, so an environment's resource app (and the API's app role) exists
    // before an onboarding that was enqueued after it grants that role.
    const runner = createJobRunner({
      store, clock, logger: logger.child({ component: 'jobs' }), concurrency: 1, pollMs: options.jobPollMs,
      handlers: [
        ...onboardingHandlers({ store, clock, vault, identityFor, logger: logger.child({ component: 'onboarding' }) }),
        reconcileJobHandler({ identityFor }),
      ],
    });

    let sandbox: Sandbox | null = null;
    if (options.sandbox === 'auto') {
      const { sandbox: existing, providerCount } = await findSandboxProvider(store);
      if (existing || providerCount === 0) {
        sandbox = await startSandbox(existing, {
          store, vault, clock, dataDir: sandboxDataDir(dataDir), port: options.emulatorPort, logger: logger.child({ component: 'sandbox' }),
        });
        const emulator = sandbox.emulator;
        closers.push(() => emulator.close());
        sandbox = await settleSandbox(sandbox, store, runner, logger);
      }
    }
    runner.start();
    closers.push(() => runner.stop());

    const lifecycleStore = await openLifecycleStore(store);
    let apiUrl: string | null = null; // known once the management server listens, below
    const lifecycle = startLifecycle({
      store, lifecycleStore, clock, env, vault, apiUrl: () => apiUrl, logger: logger.child({ component: 'lifecycle' }),
      secretBackendFor: (provider) => identityFor(provider),
      // The platform's own credential: synced from Entra, alerted on, and rolled when the provider opts in (autoRotate).
      providerCredentials: { store, clock, vault, entraFor: (provider) => identityFor(provider) as EntraIdentityProvider, logger: logger.child({ component: 'provider-credential' }) },
      ...(options.reconcile ? { reconcile: options.reconcile } : {}),
      // Last use as Entra saw it (needs AuditLog.Read.All and Entra ID P1/P2; without them the phase backs off and says why).
      credentialActivity: { store, clock, identityFor, logger: logger.child({ component: 'credential-activity' }) },
      ...(options.lifecycleIntervalMs !== undefined ? { intervalMs: options.lifecycleIntervalMs } : {}),
    });
    closers.push(() => lifecycle.scheduler.stop());

    const metrics = new GatewayMetrics();
    registerCredentialExpiryGauge(metrics.registry, () => listCredentialInventory({ store, clock }));
    registerReconcileGauges(metrics.registry, () => latestReconciles(store), async (id) => (await store.providers.get(id))?.name ?? id);
    // Signing keys of the sandbox tenant come from the emulator over HTTPS with its own CA; real tenants keep the
    // public roots.
    const dispatcher = sandbox ? new Agent({ connect: { ca: [...rootCertificates, sandbox.emulator.caCertPem] } }) : undefined;
    if (dispatcher) closers.push(() => dispatcher.close());
    const jwks = new JwksRegistry({ onJwksFetch: metrics.jwksFetch, ...(dispatcher ? { dispatcher } : {}) });

    const rateLimitStore = await rateLimitStoreFrom(options.redisUrl, env.GATEHOUSE_REDIS_KEY_PREFIX);
    if (rateLimitStore) closers.push(async () => rateLimitStore.close?.());
    const gateway = await startGateway({
      ...(rateLimitStore ? { rateLimitStore } : {}),
      store,
      port: options.gatewayPort ?? 8000,
      host,
      logger, // the gateway tags its own lines with component=gateway
      clock: options.clock,
      pollIntervalMs: options.gatewayPollIntervalMs,
      metrics,
      jwks,
    });
    closers.push(() => gateway.close());

    const services = withApiTriggers(createServices({ store, clock, vault }), { store, clock });
    // `vault` seals provider credentials and opens one-time onboarding secrets; `identityFor` shares the job runner's
    // adapters (and their token caches) with the doctor, the reconciler and imports.
    const publicUrl = parsePublicApiUrl(env);
    const app = createManagementApi({
      store, services, vault, identityFor, lifecycle: lifecycle.service, clock: options.clock,
      // Links the API returns and links in rotation notices share one base (GATEHOUSE_PUBLIC_API_URL when set).
      ...(publicUrl ? { publicUrl } : {}),
      logger: logger.child({ component: 'api' }),
      readiness: () => readiness(store, gateway),
    });
    const server = await startManagementServer({ app, port: options.apiPort ?? 8080, host });
    apiUrl = server.url;
    closers.push(() => server.close());

    let closing: Promise<void> | null = null;
    return {
      apiUrl: server.url,
      gatewayUrl: gateway.url,
      bootstrapToken,
      store,
      vault,
      sandbox: sandbox && sandbox.environment ? {
        emulatorUrl: sandbox.emulator.url, caCertPath: sandbox.emulator.caCertPath, tenantId: sandbox.emulator.tenantId,
        providerId: sandbox.provider.id, environmentId: sandbox.environment.id, resourceApp: sandbox.resourceApp, created: sandbox.created,
      } : null,
      runJobs: () => runner.runUntilIdle(),
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * /readyz of the whole process: ready when the store answers and the gateway holds a snapshot. A gateway serving
 * from its last snapshot while the store is down is still reported, but the process is not ready for changes.
 */
async function readiness(store: Store, gateway: Gateway): Promise<{ ok: boolean; checks: Record<string, unknown> }> {
  let storeOk = true;
  try {
    await store.ping();
  } catch {
    storeOk = false;
  }
  const g = gateway.readiness();
  return {
    ok: storeOk && g.ok,
    checks: {
      store: storeOk ? 'ok' : 'unavailable',
      gateway: g.ok ? 'ok' : 'no snapshot',
      snapshotVersion: g.snapshotVersion,
      lastRefreshAt: g.lastRefreshAt === null ? null : new Date(g.lastRefreshAt).toISOString(),
    },
  };
}
