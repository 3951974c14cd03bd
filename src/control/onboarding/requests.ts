import type { ClientApp, Contract, Job, Provider } from '../../core/domain.ts';
import type { Repositories } from '../../core/ports/store.ts';
import { enqueueJob } from '../jobs/enqueue.ts';
import { ONBOARD_JOB } from './onboard.ts';
import { OFFBOARD_JOB, type OffboardPayload } from './offboard.ts';
import { RESOURCE_APP_JOB } from './resource-app.ts';
export { requestAppRoleSync } from './app-role.ts';

/**
 * What the CRUD services call, inside the transaction of the change that causes the work, so the job exists
 * exactly when the change commits. Each returns the job (new, or the unfinished one for the same key) or null
 * when the provider needs no IdP work. Jobs run on the job runner (src/control/jobs/runner.ts).
 */

/** The app needs an IdP registration (its first approved contract on an API with a token policy). */
export async function requestOnboarding(tx: Repositories, now: number, app: ClientApp, provider: Provider): Promise<Job | null> {
  if (provider.kind === 'local' || app.registration) return null;
  return (await enqueueJob(tx, now, { type: ONBOARD_JOB, key: app.id, payload: { appId: app.id, providerId: provider.id } })).job;
}

/** The app is being deleted, or its last token contract was revoked: soft-delete its registration, purge later. */
export async function requestOffboarding(tx: Repositories, now: number, app: ClientApp, provider: Provider): Promise<Job | null> {
  if (provider.kind === 'local' || !app.registration?.objectId) return null;
  const payload: OffboardPayload = {
    appId: app.id, providerId: provider.id, objectId: app.registration.objectId, clientId: app.registration.clientId,
  };
  return (await enqueueJob(tx, now, { type: OFFBOARD_JOB, key: app.registration.objectId, payload })).job;
}

/** An environment got (or changed) an IdP provider, or its APIs changed: create/update its resource app. */
export async function requestResourceAppSetup(tx: Repositories, now: number, environmentId: string, provider: Provider): Promise<Job | null> {
  if (provider.kind === 'local') return null;
  return (await enqueueJob(tx, now, { type: RESOURCE_APP_JOB, key: environmentId, payload: { environmentId, providerId: provider.id } })).job;
}

