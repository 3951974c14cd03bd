import { createHash } from 'node:crypto';
import type { Api, Provider } from '../../core/domain.ts';
import type { ResourceApp } from '../../core/ports/identity.ts';

/**
 * Names Gatehouse derives for the objects it creates in the IdP. Deriving them from our ids is what makes
 * creation idempotent: a resumed job upserts the same `uniqueName` instead of creating a twin.
 */
export const uniqueNameForApp = (appId: string) => `gh-${appId}`;
export const uniqueNameForResourceApp = (environmentId: string) => `gh-res-${environmentId}`;

/** A stable GUID for an API's app role, so every setup run computes the same role id. */
export function roleIdForApi(apiId: string): string {
  const h = createHash('sha256').update(`gatehouse-app-role:${apiId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8 (custom), RFC 9562
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The `roles` claim value for an API: no spaces (Entra refuses them), unique per API. */
export const roleValueForApi = (api: Pick<Api, 'id'>) => `API.${api.id}`;

/**
 * Where an environment's resource app is recorded: `provider.config.resourceApps[environmentId]`. It lives with the
 * provider because it is an object in that provider's tenant. The provider's config schema must keep this key
 * (it is written by Gatehouse, never by the operator).
 */
export function readResourceApp(provider: Provider, environmentId: string): ResourceApp | null {
  const all = provider.config.resourceApps as Record<string, ResourceApp> | undefined;
  return all?.[environmentId] ?? null;
}

export function withResourceApp(provider: Provider, environmentId: string, resourceApp: ResourceApp, now: number): Provider {
  const all = { ...(provider.config.resourceApps as Record<string, ResourceApp> | undefined), [environmentId]: resourceApp };
  return { ...provider, config: { ...provider.config, resourceApps: all }, updatedAt: now };
}
