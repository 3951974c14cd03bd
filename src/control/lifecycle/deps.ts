import type { Clock } from '../../core/clock.ts';
import type { Provider } from '../../core/domain.ts';
import type { LifecycleStore } from '../../core/ports/lifecycle.ts';
import type { Store } from '../../core/ports/store.ts';
import type { Logger } from '../../platform/logger.ts';
import type { RotationNoticeDeps } from './rotation-notice.ts';
import type { SecretBackend } from './secret-backend.ts';

/**
 * What the lifecycle services need. `secretBackendFor` gives the IdP adapter of a provider (e.g.
 * `(p) => createIdentityProvider(p, { vault, clock })`); `local` providers need none (built in).
 */
export interface LifecycleDeps {
  store: Store;
  clock: Clock;
  lifecycleStore: LifecycleStore;
  secretBackendFor?: (provider: Provider) => SecretBackend | Promise<SecretBackend>;
  logger?: Logger;
  /**
   * How scheduled rotation tells the app's owner (channels, public API URL for the one-time link, the vault that
   * seals the link in the ledger). Without it, or when no channel reaches an app's owner, scheduled rotation skips
   * that app: a rotation nobody hears about would break the client at the end of its grace period.
   */
  rotationNotices?: RotationNoticeDeps;
  /** How long before removal a still-used retiring secret is warned about (default 24 h, retirement-watch.ts). */
  retirementWarningWindowMs?: number;
}

/** The LifecycleDeps of a larger options object (the scheduler's, `startLifecycle`'s), without its other fields. */
export function pickLifecycleDeps(o: LifecycleDeps): LifecycleDeps {
  const { store, clock, lifecycleStore, secretBackendFor, logger, rotationNotices, retirementWarningWindowMs } = o;
  return {
    store, clock, lifecycleStore,
    ...(secretBackendFor ? { secretBackendFor } : {}),
    ...(logger ? { logger } : {}),
    ...(rotationNotices ? { rotationNotices } : {}),
    ...(retirementWarningWindowMs !== undefined ? { retirementWarningWindowMs } : {}),
  };
}

/** The read-only part (inventory, stale report, metrics). */
export type ReadDeps = Pick<LifecycleDeps, 'store' | 'clock'>;
