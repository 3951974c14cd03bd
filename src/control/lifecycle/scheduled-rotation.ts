import type { Credential, Environment } from '../../core/domain.ts';
import { GatehouseError } from '../../core/errors.ts';
import { DAY_MS, listAll } from '../context.ts';
import type { LifecycleDeps } from './deps.ts';
import { rotateCredential } from './rotation.ts';
import { LIFECYCLE_CALLER } from './sweeper.ts';

export interface ScheduledRotationReport {
  /** One entry per rotated credential. No secret material: the new secret is only behind its one-time link. */
  rotated: { appId: string; retiredCredentialId: string; credentialId: string; deliveryId: string; deliveryExpiresAt: number }[];
  /** Rotations that failed this time (IdP down, app not onboarded…); the credential stays active and is retried next tick. */
  errors: { credentialId: string; code: string }[];
}

/**
 * Scheduled rotation per environment (`settings.autoRotateDaysBeforeExpiry`, off by default): every active,
 * Gatehouse-issued app secret expiring within that many days is rotated with a one-time delivery link and the
 * default grace. Once rotated it is `retiring`, no longer active, so each credential is rotated at most once; the
 * replacement expires a full lifetime later, outside the window (the setting is validated below the lifetime).
 */
export async function scheduledRotationPhase(deps: LifecycleDeps): Promise<ScheduledRotationReport> {
  const now = deps.clock.now();
  const report: ScheduledRotationReport = { rotated: [], errors: [] };
  const active = await listAll((p) => deps.store.credentials.list({ ownerType: 'app', states: ['active'] }, p));
  const candidates = active.filter((c) => c.kind === 'secret' && c.origin === 'gatehouse' && c.expiresAt !== null);
  const envOfApp = new Map<string, Environment | null>();
  for (const credential of candidates) {
    const days = (await environmentOf(deps, credential, envOfApp))?.settings.autoRotateDaysBeforeExpiry ?? null;
    if (days === null || credential.expiresAt! - now > days * DAY_MS) continue;
    try {
      const result = await rotateCredential(deps, LIFECYCLE_CALLER, { appId: credential.ownerId, credentialId: credential.id, delivery: 'link' });
      report.rotated.push({
        appId: credential.ownerId, retiredCredentialId: credential.id, credentialId: result.credential.id,
        deliveryId: result.delivery!.id, deliveryExpiresAt: result.delivery!.expiresAt,
      });
    } catch (error) {
      const code = error instanceof GatehouseError ? error.code : 'INTERNAL';
      report.errors.push({ credentialId: credential.id, code });
      deps.logger?.warn({ credentialId: credential.id, code }, 'scheduled rotation failed; will retry');
    }
  }
  return report;
}

async function environmentOf(deps: LifecycleDeps, credential: Credential, cache: Map<string, Environment | null>): Promise<Environment | null> {
  if (!cache.has(credential.ownerId)) {
    const app = await deps.store.apps.get(credential.ownerId);
    cache.set(credential.ownerId, app ? await deps.store.environments.get(app.environmentId) : null);
  }
  return cache.get(credential.ownerId) ?? null;
}
