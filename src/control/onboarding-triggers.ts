import type { Api, ClientApp, Contract, Provider } from '../core/domain.ts';
import type { Repositories, Store } from '../core/ports/store.ts';
import type { Clock } from '../core/clock.ts';
import { listAll } from './context.ts';
import type { Services } from './index.ts';
import {
  readResourceApp, requestAppRoleSync, requestOffboarding, requestOnboarding, requestResourceAppSetup, roleIdForApi,
} from './onboarding/index.ts';

/**
 * When CRUD changes need IdP work (issues 4.5/4.6). The contract and app services call these inside the
 * transaction of the change, so the job exists exactly when the change commits:
 * - a contract becomes approved on an API with an `oauth-token` policy, for an app of an IdP provider → onboard the
 *   app (app registration + principal + secret); the environment's resource app is (re)built first when it does not
 *   yet carry the API's app role, so onboarding can grant it;
 * - a contract of an app already registered is approved or revoked (not its last) → grant or revoke that API's app
 *   role (one job per app and API that makes the IdP match the store when it runs);
 * - an app is deleted, or its last approved token contract is revoked → offboard (soft-delete in the IdP, purge later);
 * - an API with a token policy is created, changed or deleted → rebuild the environment's resource app (roles per API).
 * Every request is idempotent per key, so calling a trigger twice enqueues one job.
 */
export const TOKEN_POLICY = 'oauth-token';

export const hasTokenPolicy = (api: Pick<Api, 'policies'>): boolean => api.policies.some((p) => p.type === TOKEN_POLICY);

/** Providers whose clients live in an IdP (everything but `local`, which Gatehouse answers itself). */
export const isIdpProvider = (provider: Provider): boolean => provider.kind !== 'local';

async function providerById(tx: Repositories, id: string | null | undefined): Promise<Provider | null> {
  return id ? tx.providers.get(id) : null;
}

/** The app's effective provider (its own, else its environment's default), or null when none is set. */
async function appProvider(tx: Repositories, app: ClientApp): Promise<Provider | null> {
  if (app.providerId) return providerById(tx, app.providerId);
  const env = await tx.environments.get(app.environmentId);
  return providerById(tx, env?.defaultProviderId);
}

/** The API's effective provider (its own, else its environment's default). */
async function apiProvider(tx: Repositories, api: Api): Promise<Provider | null> {
  if (api.providerId) return providerById(tx, api.providerId);
  const env = await tx.environments.get(api.environmentId);
  return providerById(tx, env?.defaultProviderId);
}

export async function onContractApproved(tx: Repositories, now: number, contract: Contract): Promise<void> {
  const api = await tx.apis.get(contract.apiId);
  const app = await tx.apps.get(contract.appId);
  if (!api || !app || !hasTokenPolicy(api)) return;
  const provider = await appProvider(tx, app);
  if (!provider || !isIdpProvider(provider)) return;
  // Onboarding grants the API's app role; the role must exist on the resource app first. The job runner takes jobs in
  // enqueue order, so enqueueing the setup before the onboarding lets the role exist when the grant runs.
  const resourceApp = readResourceApp(provider, app.environmentId);
  if (!resourceApp?.roles.some((r) => r.id === roleIdForApi(api.id))) {
    await requestResourceAppSetup(tx, now, app.environmentId, provider);
  }
  if (!app.registration) await requestOnboarding(tx, now, app, provider);
  else await requestAppRoleSync(tx, now, app, contract, provider);
}

/**
 * After `contract` was revoked: offboard its app when no approved contract on a token API remains (the principal and
 * its roles go with it); otherwise remove the API's app role, so tokens stop carrying it.
 */
export async function onContractRevoked(tx: Repositories, now: number, contract: Contract): Promise<void> {
  const app = await tx.apps.get(contract.appId);
  if (!app?.registration) return;
  const revokedApi = await tx.apis.get(contract.apiId);
  if (!revokedApi || !hasTokenPolicy(revokedApi)) return;
  const provider = await appProvider(tx, app);
  if (!provider || !isIdpProvider(provider)) return;
  const approved = await listAll((page) => tx.contracts.list({ appId: app.id, state: 'approved' }, page));
  for (const other of approved) {
    if (other.id === contract.id) continue;
    const api = await tx.apis.get(other.apiId);
    if (api && hasTokenPolicy(api)) {
      await requestAppRoleSync(tx, now, app, contract, provider);
      return;
    }
  }
  await requestOffboarding(tx, now, app, provider);
}

/** Call before the app row is deleted (the offboarding payload is a snapshot of its registration). */
export async function onAppDeleted(tx: Repositories, now: number, app: ClientApp): Promise<void> {
  if (!app.registration) return;
  const provider = await appProvider(tx, app);
  if (provider && isIdpProvider(provider)) await requestOffboarding(tx, now, app, provider);
}

/** An API was created, changed or deleted: its environment's resource app must list exactly the current APIs' roles. */
export async function onApiChanged(tx: Repositories, now: number, api: Api): Promise<void> {
  if (!hasTokenPolicy(api)) return;
  const provider = await apiProvider(tx, api);
  if (provider && isIdpProvider(provider)) await requestResourceAppSetup(tx, now, api.environmentId, provider);
}

/**
 * Adds the API triggers to a set of services: after an API write commits, the resource-app setup is enqueued in a
 * second transaction. (The API service itself stays free of IdP concerns; a crash between the two transactions leaves
 * the role missing only until the next approval on that API, which requests the setup again.)
 */
export function withApiTriggers(services: Services, deps: { store: Store; clock: Clock }): Services {
  const apis = services.apis;
  const after = (api: Api) => deps.store.transaction((tx) => onApiChanged(tx, deps.clock.now(), api));
  const wrapped = Object.create(apis) as typeof apis;
  wrapped.create = async (caller, input) => {
    const api = await apis.create(caller, input);
    await after(api);
    return api;
  };
  wrapped.update = async (caller, id, patch) => {
    const before = await apis.get(caller, id);
    const api = await apis.update(caller, id, patch);
    if (api.updatedAt !== before.updatedAt) {
      await after(before); // the old environment loses the role when the API moved
      if (api.environmentId !== before.environmentId || hasTokenPolicy(api)) await after(api);
    }
    return api;
  };
  wrapped.delete = async (caller, id) => {
    const before = await apis.get(caller, id);
    await apis.delete(caller, id);
    await after(before);
  };
  return { ...services, apis: wrapped };
}
