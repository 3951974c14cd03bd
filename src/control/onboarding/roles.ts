import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { ClientApp, Provider } from '../../core/domain.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import { audit, listAll } from '../context.ts';
import type { JobContext } from '../jobs/types.ts';
import { JOB_CALLER, type OnboardingDeps } from './deps.ts';
import { readResourceApp, roleIdForApi } from './names.ts';
import { requestAppRoleSync } from './app-role.ts';

/**
 * Grants the app role of every API the app holds an approved contract for, when the provider may assign roles
 * (AppRoleAssignment.ReadWrite.All) and the environment has a resource app. Granted roles are recorded in
 * progress.roles, so a resumed job does not repeat them (and a repeat would be harmless: grants are idempotent).
 */
export async function syncAppRoles(
  deps: OnboardingDeps, ctx: JobContext, idp: IdentityProvider, app: ClientApp, provider: Provider, principalId: string,
): Promise<void> {
  if (!(await idp.loadCapabilities()).appRoles) return;
  const resourceApp = readResourceApp(provider, app.environmentId);
  if (!resourceApp) return;
  const contracts = await listAll((page) => deps.store.contracts.list({ appId: app.id, state: 'approved' }, page));
  const granted = { ...(ctx.progress.roles as Record<string, string> | undefined) };
  for (const c of contracts) {
    const roleId = roleIdForApi(c.apiId);
    if (granted[roleId] || !resourceApp.roles.some((r) => r.id === roleId)) continue;
    const grant = await idp.grantAppRole({ resourceApp, principalId, roleId });
    granted[roleId] = grant.assignmentId;
    await ctx.commit({ roles: { ...granted } }, async (tx) => {
      if (grant.created) {
        await audit(tx, JOB_CALLER, deps.clock.now(), {
          type: 'app_role.granted', entityType: 'contract', entityId: c.id, before: null,
          after: { appId: app.id, apiId: c.apiId, roleId, assignmentId: grant.assignmentId }, idpActivity: ENTRA_ACTIVITY.addAppRoleAssignment,
        });
      }
      // The contract may have been revoked after it was read above, and that revoke's app-role job may already have
      // run (on another node) and found nothing to remove: re-check now and let a fresh job converge if so.
      const current = await tx.contracts.get(c.id);
      if (current?.state !== 'approved') {
        const fresh = await tx.apps.get(app.id);
        if (fresh) await requestAppRoleSync(tx, deps.clock.now(), fresh, current ?? c, provider);
      }
    });
  }
}
