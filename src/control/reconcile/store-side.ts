import type { ClientApp, Credential, Environment, Provider } from '../../core/domain.ts';
import { notFound } from '../../core/errors.ts';
import type { Repositories, Store } from '../../core/ports/store.ts';
import { listAll } from '../context.ts';
import type { ResourceApp } from '../../core/ports/identity.ts';

/** The store side of one provider, loaded in bulk (paged lists, no per-app queries) and indexed for the comparison. */
export interface StoreSide {
  provider: Provider;
  /** Environments that use this provider (as default or as an allowed one). */
  environments: Map<string, Environment>;
  /** Apps whose effective provider is this one (their own `providerId`, else the environment's default). */
  appsById: Map<string, ClientApp>;
  appsByObjectId: Map<string, ClientApp>;
  appsByClientId: Map<string, ClientApp>;
  /** Every credential row of those apps, all states. */
  credentialsByApp: Map<string, Credential[]>;
  credentialCount: number;
  /** Names taken in each of those environments (all providers), for adopted apps' names. */
  namesByEnv: Map<string, Set<string>>;
  /** Object ids of the per-environment resource apps this provider hosts (owned by us, never orphans; see onboarding/names.ts). */
  resourceAppObjectIds: Set<string>;
}

export function effectiveProviderId(app: ClientApp, env: Environment | undefined): string | null {
  return app.providerId ?? env?.defaultProviderId ?? null;
}

export async function loadStoreSide(store: Store | Repositories, providerId: string, onLoaded?: (apps: number) => void): Promise<StoreSide> {
  const provider = await store.providers.get(providerId);
  if (!provider) throw notFound('provider', providerId);
  const environments = new Map<string, Environment>();
  for (const env of await listAll((p) => store.environments.list({}, p))) {
    if (env.defaultProviderId === providerId || env.providerIds.includes(providerId)) environments.set(env.id, env);
  }
  const appsById = new Map<string, ClientApp>();
  const appsByObjectId = new Map<string, ClientApp>();
  const appsByClientId = new Map<string, ClientApp>();
  const namesByEnv = new Map<string, Set<string>>();
  for (const env of environments.values()) {
    const names = new Set<string>();
    namesByEnv.set(env.id, names);
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof store.apps.list>> = await store.apps.list({ environmentId: env.id }, { limit: 500, cursor });
      for (const app of page.items) {
        names.add(app.name);
        if (effectiveProviderId(app, env) !== providerId) continue;
        appsById.set(app.id, app);
        if (app.registration?.objectId) appsByObjectId.set(app.registration.objectId, app);
        const clientId = app.registration?.clientId ?? app.clientId;
        if (clientId) appsByClientId.set(clientId, app);
      }
      onLoaded?.(appsById.size);
      cursor = page.nextCursor;
    } while (cursor);
  }
  // One pass over app credentials beats one query per app; rows of other providers' apps are dropped here.
  const credentialsByApp = new Map<string, Credential[]>();
  let credentialCount = 0;
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof store.credentials.list>> = await store.credentials.list({ ownerType: 'app' }, { limit: 500, cursor });
    for (const c of page.items) {
      if (!appsById.has(c.ownerId)) continue;
      const list = credentialsByApp.get(c.ownerId);
      if (list) list.push(c);
      else credentialsByApp.set(c.ownerId, [c]);
      credentialCount++;
    }
    cursor = page.nextCursor;
  } while (cursor);
  const resourceAppObjectIds = new Set<string>();
  const recorded = (provider.config.resourceApps ?? {}) as Record<string, ResourceApp | undefined>;
  for (const res of Object.values(recorded)) if (res?.objectId) resourceAppObjectIds.add(res.objectId);
  return { provider, environments, appsById, appsByObjectId, appsByClientId, credentialsByApp, credentialCount, namesByEnv, resourceAppObjectIds };
}
