import type { ResourceAppRole } from '../../core/ports/identity.ts';
import { notFound } from '../../core/errors.ts';
import { audit, listAll } from '../context.ts';
import type { JobHandler } from '../jobs/types.ts';
import { JOB_CALLER, type OnboardingDeps } from './deps.ts';
import { roleIdForApi, roleValueForApi, uniqueNameForResourceApp, withResourceApp } from './names.ts';

export const RESOURCE_APP_JOB = 'idp.resource-app';

/**
 * Creates or updates an environment's resource app (payload `{ environmentId, providerId }`): the token audience
 * (App ID URI `api://{appId}`, requestedAccessTokenVersion 2) with one app role per API of the environment, and
 * appRoleAssignmentRequired when the provider may assign roles. Re-run it whenever APIs are added or removed.
 * The result is stored in provider.config.resourceApps[environmentId] (see names.ts).
 */
export function resourceAppHandler(deps: OnboardingDeps): JobHandler {
  return {
    type: RESOURCE_APP_JOB,
    async run(ctx) {
      const { environmentId, providerId } = ctx.job.payload as { environmentId: string; providerId: string };
      const env = await deps.store.environments.get(environmentId);
      if (!env) throw notFound('environment', environmentId);
      const provider = await deps.store.providers.get(providerId);
      if (!provider) throw notFound('provider', providerId);
      const idp = deps.identityFor(provider);
      if (!idp.capabilities.resourceApps) return { skipped: `provider ${provider.kind} has no resource apps` };
      const apis = await listAll((page) => deps.store.apis.list({ environmentId }, page));
      const roles: ResourceAppRole[] = apis.map((api) => ({
        id: roleIdForApi(api.id), value: roleValueForApi(api), displayName: `${api.name} ${api.version}`.slice(0, 100),
        description: `Call ${api.name} ${api.version} through Gatehouse (${api.basePath})`,
      }));
      await idp.loadCapabilities();
      const { resourceApp, writes } = await idp.ensureResourceApp({
        uniqueName: uniqueNameForResourceApp(env.id), displayName: `Gatehouse ${env.name}`, roles, requireRoleAssignment: true,
      });
      const now = deps.clock.now();
      await ctx.commit({ resourceApp }, async (tx) => {
        const current = await tx.providers.get(providerId);
        if (!current) throw notFound('provider', providerId);
        await tx.providers.update(withResourceApp(current, environmentId, resourceApp, now));
        for (const w of writes) {
          await audit(tx, JOB_CALLER, now, {
            type: 'resource_app.created', entityType: 'environment', entityId: environmentId, before: null,
            after: { targetId: w.targetId, ...w.detail }, idpActivity: w.activity,
          });
        }
      });
      return { resourceApp: { ...resourceApp } };
    },
  };
}
