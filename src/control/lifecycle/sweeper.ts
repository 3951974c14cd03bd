import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { Credential } from '../../core/domain.ts';
import { GatehouseError, notFound } from '../../core/errors.ts';
import { audit, listAll, type Caller } from '../context.ts';
import { visibleApp } from '../visibility.ts';
import type { LifecycleDeps } from './deps.ts';
import { withoutHash } from './rotation.ts';
import { resolveSecretBackend } from './secret-backend.ts';

export const LIFECYCLE_CALLER: Caller = { actor: 'system:lifecycle', role: 'admin', subject: 'system' };

export interface SweepReport {
  removed: number;
  /** Credentials whose removal failed this time (IdP unavailable…); retried on the next sweep. */
  errors: { credentialId: string; code: string }[];
}

/** Removes every retiring credential whose grace window has ended (retireAt <= now): in the IdP first, then here. */
export async function sweepRetiringCredentials(deps: LifecycleDeps): Promise<SweepReport> {
  const now = deps.clock.now();
  const retiring = await listAll((p) => deps.store.credentials.list({ ownerType: 'app', states: ['retiring'] }, p));
  const report: SweepReport = { removed: 0, errors: [] };
  for (const credential of retiring) {
    if (credential.retireAt === null || credential.retireAt > now) continue;
    try {
      if (await removeRetiring(deps, LIFECYCLE_CALLER, credential)) report.removed++;
    } catch (error) {
      const code = error instanceof GatehouseError ? error.code : 'INTERNAL';
      report.errors.push({ credentialId: credential.id, code });
      deps.logger?.warn({ credentialId: credential.id, code }, 'retiring credential not removed; will retry');
    }
  }
  return report;
}

/** Ends a rotation early: removes the retiring credential now (`POST /v1/credentials/{id}/finish-rotation`). */
export async function finishRotation(deps: LifecycleDeps, caller: Caller, credentialId: string): Promise<Omit<Credential, 'secretHash'>> {
  const credential = await deps.store.credentials.get(credentialId);
  if (!credential || credential.ownerType !== 'app') throw notFound('credential', credentialId);
  await visibleApp(deps.store, caller, credential.ownerId);
  if (credential.state !== 'retiring') {
    throw new GatehouseError('INVALID_STATE_TRANSITION', `Credential ${credentialId} is ${credential.state}, not retiring; only a replaced credential can be finished.`, { state: credential.state });
  }
  await removeRetiring(deps, caller, credential);
  const after = await deps.store.credentials.get(credentialId);
  return withoutHash(after ?? credential);
}

async function removeRetiring(deps: LifecycleDeps, caller: Caller, credential: Credential): Promise<boolean> {
  const { store } = deps;
  let idpActivity: string | null = null;
  if (credential.ownerType === 'app') {
    const app = await store.apps.get(credential.ownerId);
    const env = app ? await store.environments.get(app.environmentId) : null;
    const providerId = app?.providerId ?? env?.defaultProviderId ?? null;
    const provider = providerId ? await store.providers.get(providerId) : null;
    if (app && provider && provider.kind !== 'local' && app.registration?.objectId) {
      // IdP first: if this fails the row stays retiring and the next sweep tries again (removal is idempotent).
      await (await resolveSecretBackend(provider, deps.secretBackendFor, deps.clock)).removeSecret(app.registration.objectId, credential.keyId);
      if (provider.kind === 'entra') idpActivity = ENTRA_ACTIVITY.removePassword;
    }
  }
  const now = deps.clock.now();
  return store.transaction(async (tx) => {
    const before = await tx.credentials.get(credential.id);
    if (!before || before.state !== 'retiring') return false;
    const after: Credential = { ...before, state: 'removed', removedAt: now };
    await tx.credentials.update(after);
    await audit(tx, caller, now, { type: 'credential.removed', entityType: 'credential', entityId: after.id, before, after, idpActivity });
    return true;
  });
}
