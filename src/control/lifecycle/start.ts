import type { Clock } from '../../core/clock.ts';
import type { LifecycleStore } from '../../core/ports/lifecycle.ts';
import type { Store } from '../../core/ports/store.ts';
import { loadAlertChannels, parsePublicApiUrl } from '../../notify/config.ts';
import type { Vault } from '../../platform/vault.ts';
import type { Logger } from '../../platform/logger.ts';
import { pickLifecycleDeps, type LifecycleDeps } from './deps.ts';
import { startLifecycleScheduler, type LifecycleScheduler, type LifecycleSchedulerOptions } from './scheduler.ts';
import { LifecycleService } from './service.ts';

export interface StartLifecycleOptions {
  store: Store;
  /** `await openLifecycleStore(store)` from src/store/lifecycle. */
  lifecycleStore: LifecycleStore;
  clock: Clock;
  /** Where alert channels are configured (GATEHOUSE_ALERT_WEBHOOK_URL, …): process.env merged with serve options. */
  env: Record<string, string | undefined>;
  intervalMs?: number;
  secretBackendFor?: LifecycleDeps['secretBackendFor'];
  /** Sync and (with autoRotate) roll the providers' own credentials each tick. */
  providerCredentials?: LifecycleSchedulerOptions['providerCredentials'];
  /** Read the IdP's credential sign-in report into each credential's last use. */
  credentialActivity?: LifecycleSchedulerOptions['credentialActivity'];
  /** Enqueue scheduled reconciles (the job runner must have reconcileJobHandler registered). */
  reconcile?: LifecycleSchedulerOptions['reconcile'];
  /** Seals the one-time links of rotation notices in the alert ledger. Without it, scheduled rotation does not run. */
  vault?: Vault;
  /** The management API's own base URL once it listens: where links point unless GATEHOUSE_PUBLIC_API_URL says otherwise. */
  apiUrl?: () => string | null;
  logger?: Logger;
}

/**
 * What `gatehouse serve` (or a control-plane process) needs in one call: the API-facing service and the
 * scheduler (expiry watch, delivery retries, rotation sweeper) running under the cluster-wide lease.
 * Throws VALIDATION_FAILED at start-up when the channel configuration is wrong, before anything runs.
 */
export function startLifecycle(options: StartLifecycleOptions): { service: LifecycleService; scheduler: LifecycleScheduler } {
  const channels = loadAlertChannels(options.env, { store: options.store });
  const publicApiUrl = parsePublicApiUrl(options.env);
  const apiUrl = options.apiUrl;
  const deps = pickLifecycleDeps({
    ...options,
    ...(options.vault
      ? { rotationNotices: { channels: channels.map((c) => c.name), vault: options.vault, publicApiUrl: () => publicApiUrl ?? apiUrl?.() ?? null } }
      : {}),
  });
  options.logger?.info({ channels: channels.map((c) => c.name) }, 'credential alerts enabled');
  const scheduler = startLifecycleScheduler({
    ...deps, channels,
    ...(options.providerCredentials ? { providerCredentials: options.providerCredentials } : {}),
    ...(options.reconcile ? { reconcile: options.reconcile } : {}),
    ...(options.credentialActivity ? { credentialActivity: options.credentialActivity } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
  });
  return { service: new LifecycleService(deps), scheduler };
}
