import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import { GatehouseError } from '../../core/errors.ts';
import type { ClientApp, Contract, Job, Provider } from '../../core/domain.ts';
import type { Repositories } from '../../core/ports/store.ts';
import { audit, listAll } from '../context.ts';
import { enqueueJob } from '../jobs/enqueue.ts';
import type { JobHandler } from '../jobs/types.ts';
import { JOB_CALLER, type OnboardingDeps } from './deps.ts';
import { readResourceApp, roleIdForApi } from './names.ts';

export const APP_ROLE_JOB = 'idp.app-role';

/** Payload: which app and API to converge, and the contract whose approval or revocation asked for it (for the audit). */
export interface AppRolePayload {
  appId: string;
  apiId: string;
  providerId: string;
  contractId: string;
  [key: string]: unknown;
}

/** One job per (app, API) at a time; see enqueueJob. */
export const appRoleJobKey = (appId: string, apiId: string) => `${appId}:${apiId}`;

/**
 * A registered app's contract was approved or revoked: make its app role for that API match (onboarding grants the
 * roles of a new registration itself). A pending job of the key is reused, since it reads the state when it runs;
 * a running one may have read it before this change, so the new job goes into the next free key slot instead.
 */
export async function requestAppRoleSync(tx: Repositories, now: number, app: ClientApp, contract: Contract, provider: Provider): Promise<Job | null> {
  if (provider.kind === 'local' || !app.registration) return null;
  const payload: AppRolePayload = { appId: app.id, apiId: contract.apiId, providerId: provider.id, contractId: contract.id };
  const base = appRoleJobKey(app.id, contract.apiId);
  for (let slot = 0; ; slot++) {
    const key = slot === 0 ? base : `${base}#${slot}`;
    const pending = (await tx.jobs.list({ type: APP_ROLE_JOB, key, state: 'pending' }, { limit: 1 })).items[0];
    if (pending) return pending;
    const running = (await tx.jobs.list({ type: APP_ROLE_JOB, key, state: 'running' }, { limit: 1 })).items[0];
    if (!running) return (await enqueueJob(tx, now, { type: APP_ROLE_JOB, key, payload })).job;
  }
}

/**
 * Makes the IdP match the store for one app and one API: the client holds the API's app role exactly when it has an
 * approved contract for the API. The job reads both sides when it runs, not when it was enqueued, so a revoke
 * retried after a re-approval (or the other way round) cannot undo the later decision; and every run is safe to
 * repeat (granting an existing role and deleting a missing assignment both succeed).
 *
 * Roles are per API (roleIdForApi), so revoking one API's role never touches another API's.
 */
export function appRoleHandler(deps: OnboardingDeps): JobHandler {
  return {
    type: APP_ROLE_JOB,
    async run(ctx) {
      const { appId, apiId, providerId, contractId } = ctx.job.payload as AppRolePayload;
      const loaded = await deps.store.transaction(async (tx) => ({
        app: await tx.apps.get(appId),
        provider: await tx.providers.get(providerId),
        approved: (await tx.contracts.list({ appId, apiId, state: 'approved' }, { limit: 1 })).items[0] ?? null,
        revokedContractId: await latestRevoked(tx, appId, apiId) ?? contractId,
      }));
      const { app, provider, approved, revokedContractId } = loaded;
      // Unregistered (or deleted) apps hold no roles: onboarding grants them, offboarding deletes the principal with them.
      if (!app?.registration || !provider) return { skipped: 'app not registered' };
      const idp = deps.identityFor(provider);
      if (!(await idp.loadCapabilities()).appRoles || !idp.listAppRoleGrants) return { skipped: `provider ${provider.name} cannot assign app roles` };
      const resourceApp = readResourceApp(provider, app.environmentId);
      if (!resourceApp) return { skipped: 'no resource app' };
      const roleId = roleIdForApi(apiId);
      const roleDefined = resourceApp.roles.some((r) => r.id === roleId);
      if (approved && !roleDefined) {
        // The resource-app setup enqueued with the approval has not run yet; try again after it.
        throw new GatehouseError('IDP_UNAVAILABLE', `The resource app does not carry the role of API ${apiId} yet.`,
          { idpCode: 'RoleNotYetDefined', hint: 'The environment\'s resource-app setup job must run first.' });
      }

      const { principalId, grants } = await idp.listAppRoleGrants(resourceApp, app.registration.clientId);
      const held = grants.filter((g) => g.roleId === roleId);

      if (approved) {
        if (held.length > 0) return { unchanged: 'granted' };
        if (!principalId) return { skipped: 'no service principal yet (onboarding grants the role)' };
        const grant = await idp.grantAppRole({ resourceApp, principalId, roleId });
        const now = deps.clock.now();
        await ctx.commit({ granted: grant.assignmentId }, async (tx) => {
          if (!grant.created) return;
          await audit(tx, JOB_CALLER, now, {
            type: 'app_role.granted', entityType: 'contract', entityId: approved.id, before: null,
            after: { appId, apiId, roleId, assignmentId: grant.assignmentId }, idpActivity: ENTRA_ACTIVITY.addAppRoleAssignment,
          });
        });
        return { granted: grant.assignmentId };
      }

      const revoked: string[] = [];
      for (const g of held) {
        await idp.revokeAppRole(resourceApp, g.assignmentId);
        revoked.push(g.assignmentId);
        const now = deps.clock.now();
        await ctx.commit({ revoked: [...revoked] }, async (tx) => {
          await audit(tx, JOB_CALLER, now, {
            type: 'app_role.revoked', entityType: 'contract', entityId: revokedContractId,
            before: { appId, apiId, roleId, assignmentId: g.assignmentId }, after: null, idpActivity: ENTRA_ACTIVITY.removeAppRoleAssignment,
          });
        });
      }
      return revoked.length ? { revoked } : { unchanged: 'not granted' };
    },
  };
}

/** The revocation a removal answers to (a reused job may have been enqueued for an earlier decision). */
async function latestRevoked(tx: Repositories, appId: string, apiId: string): Promise<string | null> {
  const revoked = await listAll((page) => tx.contracts.list({ appId, apiId, state: 'revoked' }, page));
  return revoked.sort((a, b) => b.updatedAt - a.updatedAt)[0]?.id ?? null;
}
