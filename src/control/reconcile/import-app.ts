import { systemClock, type Clock } from '../../core/clock.ts';
import type { ClientApp, Credential } from '../../core/domain.ts';
import { GatehouseError, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import type { Store } from '../../core/ports/store.ts';
import { audit, requireId } from '../context.ts';
import { appIdFromUniqueName } from './compare.ts';
import { inventoryOf } from './inventory.ts';
import { importCredentials, importedApp, reconcileCaller } from './records.ts';

export interface ImportAppDeps {
  store: Store;
  /** The adapter of the provider the application lives in. */
  identity: IdentityProvider;
  clock?: Clock;
  /** Audit actor (default 'reconcile'; the API passes the caller's token id). */
  actor?: string;
}

export interface ImportAppInput {
  environmentId: string;
  /** The IdP's client id (Entra: Application (client) ID); its object id is accepted too. */
  clientId: string;
  /** Default: the environment's default provider. Must be enabled in the environment. */
  providerId?: string;
  /** Default: the IdP display name. App names are unique per environment. */
  name?: string;
}

export interface ImportAppResult {
  app: ClientApp;
  credentials: Credential[];
  /**
   * Whether the platform owns the registration. Gatehouse tracks and alerts on a registration it merely reads, but
   * cannot add or remove its secrets until an admin makes the platform an owner.
   */
  owned: boolean;
}

/**
 * `gatehouse app import --app-id …`: adopts an existing IdP application as a Gatehouse client app. It must be owned
 * by the platform or at least readable; no IdP write happens. The app row, its credentials (origin 'external', with
 * their expiry) and their audit events commit in one transaction.
 */
export async function importApp(deps: ImportAppDeps, input: ImportAppInput): Promise<ImportAppResult> {
  const clock = deps.clock ?? systemClock;
  requireId('environment', input.environmentId, 'environmentId');
  if (typeof input.clientId !== 'string' || input.clientId.trim() === '') {
    throw new GatehouseError('VALIDATION_FAILED', 'clientId: give the IdP application (client) id to import.', { field: 'clientId' });
  }
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100)) {
    throw new GatehouseError('VALIDATION_FAILED', 'name: 1 to 100 characters.', { field: 'name' });
  }
  const env = await deps.store.environments.get(input.environmentId);
  if (!env) throw notFound('environment', input.environmentId);
  const providerId = input.providerId ?? env.defaultProviderId;
  if (!providerId) {
    throw new GatehouseError('CONFLICT', `Environment ${env.name} has no default provider; give providerId.`, { field: 'providerId' });
  }
  if (providerId !== env.defaultProviderId && !env.providerIds.includes(providerId)) {
    throw new GatehouseError('CONFLICT', `Provider ${providerId} is not enabled in environment ${env.name}.`, { field: 'providerId' });
  }
  if (!(await deps.store.providers.get(providerId))) throw notFound('provider', providerId);
  if (!deps.identity.capabilities.registersClients) {
    throw new GatehouseError('VALIDATION_FAILED', `Provider kind ${deps.identity.kind} has no IdP applications to import.`, { field: 'providerId' });
  }

  const found = await inventoryOf(deps.identity).find(input.clientId.trim());
  if (!found) {
    throw new GatehouseError('NOT_FOUND', `The IdP has no application ${input.clientId} that the platform can read.`, {
      kind: 'idp application', id: input.clientId,
      hint: 'Check the id (Application (client) ID in the Entra portal), or make the platform app an owner of it.',
    });
  }
  const { client, owned } = found;
  const reg = client.registration;
  if (reg.deletedAt !== null) {
    throw new GatehouseError('CONFLICT', `Application ${reg.clientId} is deleted in the IdP; restore it first.`, { field: 'clientId' });
  }
  // A registration Gatehouse created keeps its app id, so its uniqueName keeps pointing at the right app.
  const ourId = appIdFromUniqueName(reg.uniqueName);
  const now = clock.now();
  const caller = reconcileCaller(deps.actor ?? 'reconcile');
  return deps.store.transaction(async (tx) => {
    const clash = (await tx.apps.list({ clientId: reg.clientId }, { limit: 1 })).items[0];
    if (clash) {
      throw new GatehouseError('CONFLICT', `Client id ${reg.clientId} already belongs to app ${clash.id}.`, { field: 'clientId', appId: clash.id });
    }
    if (ourId && (await tx.apps.get(ourId))) {
      throw new GatehouseError('CONFLICT', `Application ${reg.clientId} is a second registration of app ${ourId}; delete it in the IdP instead.`, { field: 'clientId', appId: ourId });
    }
    const app = importedApp({
      id: ourId ?? newId('app', now), environmentId: env.id, providerId, name: (input.name ?? reg.displayName).trim() || `imported ${reg.clientId}`,
      clientId: reg.clientId, objectId: reg.objectId, uniqueName: reg.uniqueName, now,
      description: `Imported from the IdP application ${reg.clientId}.`,
    });
    await tx.apps.insert(app);
    await audit(tx, caller, now, { type: 'app.imported', entityType: 'app', entityId: app.id, before: null, after: { ...app, owned, source: 'import' } });
    const credentials = await importCredentials(tx, caller, now, app.id, client.credentials);
    return { app, credentials, owned };
  });
}
