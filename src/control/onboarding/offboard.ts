import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { ClientApp } from '../../core/domain.ts';
import { audit, listAll } from '../context.ts';
import { enqueueJob } from '../jobs/enqueue.ts';
import type { JobHandler } from '../jobs/types.ts';
import { DEFAULT_PURGE_DELAY_MS, JOB_CALLER, type OnboardingDeps } from './deps.ts';

export const OFFBOARD_JOB = 'idp.offboard';
export const PURGE_JOB = 'idp.purge';

/** Payload of both jobs: a snapshot, because the app row may already be gone when they run. */
export interface OffboardPayload {
  appId: string;
  providerId: string;
  objectId: string;
  clientId: string;
  [key: string]: unknown;
}

/**
 * Offboarding (app deleted, or its last token contract revoked): soft-delete the IdP application, mark the app's
 * credentials removed and clear its registration, and schedule the purge — all in the transaction that records
 * the delete. The purge job later deletes it permanently (Entra: `DELETE /directory/deletedItems/{id}`).
 */
export function offboardHandler(deps: OnboardingDeps): JobHandler {
  return {
    type: OFFBOARD_JOB,
    async run(ctx) {
      const payload = ctx.job.payload as OffboardPayload;
      const provider = await deps.store.providers.get(payload.providerId);
      if (!provider) return { skipped: 'provider deleted' };
      const idp = deps.identityFor(provider);
      if (!ctx.progress.deleted) {
        await idp.deleteClient(payload.objectId);
        const now = deps.clock.now();
        await ctx.commit({ deleted: now }, async (tx) => {
          const app = await tx.apps.get(payload.appId);
          if (app && app.registration?.objectId === payload.objectId) {
            const after: ClientApp = { ...app, registration: null, clientId: null, updatedAt: now };
            await tx.apps.update(after);
          }
          const creds = await listAll((page) => tx.credentials.list({ ownerType: 'app', ownerId: payload.appId, states: ['active', 'retiring'] }, page));
          for (const c of creds) await tx.credentials.update({ ...c, state: 'removed', removedAt: now });
          await audit(tx, JOB_CALLER, now, {
            type: 'app.unregistered', entityType: 'app', entityId: payload.appId,
            before: { clientId: payload.clientId, objectId: payload.objectId }, after: null, idpActivity: ENTRA_ACTIVITY.deleteApplication,
          });
          await enqueueJob(tx, now, {
            type: PURGE_JOB, key: payload.objectId, payload: { ...payload }, runAt: now + (deps.purgeDelayMs ?? DEFAULT_PURGE_DELAY_MS),
          });
        });
      }
      return { deleted: ctx.progress.deleted };
    },
  };
}

export function purgeHandler(deps: OnboardingDeps): JobHandler {
  return {
    type: PURGE_JOB,
    async run(ctx) {
      const payload = ctx.job.payload as OffboardPayload;
      const provider = await deps.store.providers.get(payload.providerId);
      if (!provider) return { skipped: 'provider deleted' };
      await deps.identityFor(provider).purgeClient(payload.objectId);
      const now = deps.clock.now();
      await ctx.commit({ purged: now }, async (tx) => {
        await audit(tx, JOB_CALLER, now, {
          type: 'app.purged', entityType: 'app', entityId: payload.appId,
          before: { clientId: payload.clientId, objectId: payload.objectId }, after: null, idpActivity: ENTRA_ACTIVITY.hardDeleteApplication,
        });
      });
      return { purged: now };
    },
  };
}
