import type { Clock } from '../../core/clock.ts';
import type { ClientApp, Environment, Provider } from '../../core/domain.ts';
import { GatehouseError, notFound } from '../../core/errors.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import type { Repositories, Store } from '../../core/ports/store.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Vault } from '../../platform/vault.ts';
import type { Caller } from '../context.ts';

export interface OnboardingDeps {
  store: Store;
  clock: Clock;
  vault: Vault;
  /** Adapter for a provider row; cache per provider id+updatedAt so tokens are reused (src/identity/factory.ts). */
  identityFor: (provider: Provider) => IdentityProvider;
  logger?: Logger;
  /** Soft-deleted Entra apps are purged this long after deletion. Default 7 days (Entra itself purges at 30). */
  purgeDelayMs?: number;
  /** How long an undelivered onboarding secret stays claimable. Default 24 h. */
  deliveryTtlMs?: number;
}

/** Audit actor for IdP writes made by jobs. */
export const JOB_CALLER: Caller = { actor: 'system:jobs', role: 'admin', subject: 'system' };

export const DEFAULT_PURGE_DELAY_MS = 7 * 86_400_000;
export const DEFAULT_DELIVERY_TTL_MS = 86_400_000;

/** The app's environment and effective provider (its own, else the environment's default). */
export async function providerOfApp(tx: Repositories, app: ClientApp): Promise<{ env: Environment; provider: Provider }> {
  const env = await tx.environments.get(app.environmentId);
  if (!env) throw notFound('environment', app.environmentId);
  const providerId = app.providerId ?? env.defaultProviderId;
  if (!providerId) throw new GatehouseError('VALIDATION_FAILED', `Environment ${env.name} has no provider.`);
  const provider = await tx.providers.get(providerId);
  if (!provider) throw notFound('provider', providerId);
  return { env, provider };
}
