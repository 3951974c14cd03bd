import type { Application } from '@microsoft/microsoft-graph-types';
import { GatehouseError } from '../../core/errors.ts';
import type { ClientRegistration, CredentialMetadata, IdentityProvider } from '../../core/ports/identity.ts';
import { credentialsOf, EntraIdentityProvider } from '../../identity/entra/adapter.ts';

/** One client the IdP knows, with what the reconciler compares: its credentials and (when readable) its labels. */
export interface IdpClient {
  registration: ClientRegistration;
  credentials: CredentialMetadata[];
  /** IdP labels (Entra `tags`, e.g. `gatehouse:env:env_…`); null when the source cannot read them. */
  tags: string[] | null;
}

/**
 * The IdP side of a reconcile, read in bulk. The port's `listOwnedClients` returns registrations without credentials,
 * which would force one `readCredentials` call per client (N+1). Graph returns `passwordCredentials` and
 * `keyCredentials` with the application object, so for Entra this reads them from the listing itself: 10,000 apps
 * cost 11 requests. Any other adapter falls back to the port (listing + bounded-concurrency readCredentials).
 * The Entra branch belongs in the adapter (`listOwnedClients({ includeCredentials })`); it lives here until the port
 * grows that option, and uses only the adapter's public surface.
 */
export interface IdpInventory {
  /** Pages of the clients the platform owns. */
  pages(pageSize?: number): AsyncIterable<IdpClient[]>;
  /** One client by client id (Entra appId) or object id, owned or merely readable; null when absent. */
  find(id: string): Promise<{ client: IdpClient; owned: boolean } | null>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTRA_FIELDS = 'id,appId,displayName,uniqueName,deletedDateTime,tags,passwordCredentials,keyCredentials';

export function inventoryOf(identity: IdentityProvider, options: { concurrency?: number } = {}): IdpInventory {
  if (identity instanceof EntraIdentityProvider) return entraInventory(identity);
  return portInventory(identity, options.concurrency ?? 8);
}

function entraInventory(entra: EntraIdentityProvider): IdpInventory {
  const toClient = (app: Application): IdpClient => ({
    registration: {
      clientId: app.appId!, objectId: app.id!, uniqueName: (app as { uniqueName?: string | null }).uniqueName ?? null,
      displayName: app.displayName ?? '', principalId: null,
      deletedAt: app.deletedDateTime ? Date.parse(app.deletedDateTime) : null,
    },
    credentials: credentialsOf(app),
    tags: app.tags ?? [],
  });
  async function* pages(pageSize = 999): AsyncIterable<IdpClient[]> {
    const me = (await entra.token()).principalId;
    if (!me) throw new GatehouseError('IDP_REJECTED', 'The platform token carries no oid.', { idpCode: 'NoOid', hint: 'Use an app-only token.' });
    const top = Math.min(999, Math.max(1, pageSize));
    let path: string | null = `/servicePrincipals/${me}/ownedObjects/microsoft.graph.application?$select=${ENTRA_FIELDS}&$top=${top}`;
    while (path) {
      const res: { body: { value: (Application & { '@odata.type'?: string })[]; '@odata.nextLink'?: string } } = await entra.graph.request({
        method: 'GET', path, operation: 'list owned applications with their credentials',
      });
      yield res.body.value
        .filter((o) => !o['@odata.type'] || o['@odata.type'] === '#microsoft.graph.application')
        .map(toClient);
      path = res.body['@odata.nextLink'] ?? null;
    }
  }
  async function read(path: string): Promise<IdpClient | null> {
    const res = await entra.graph.request<Application>({ method: 'GET', path, operation: 'read the application to import', accept: [404] });
    return res.status === 404 ? null : toClient(res.body);
  }
  return {
    pages,
    async find(id) {
      if (!GUID.test(id)) throw new GatehouseError('VALIDATION_FAILED', `Not an application (client) id: ${JSON.stringify(id).slice(0, 60)}.`, { field: 'clientId' });
      const client = (await read(`/applications(appId='${id}')?$select=${ENTRA_FIELDS}`)) ?? (await read(`/applications/${id}?$select=${ENTRA_FIELDS}`));
      if (!client) return null;
      return { client, owned: await ownedBy(pages, client.registration.objectId) };
    },
  };
}

function portInventory(identity: IdentityProvider, concurrency: number): IdpInventory {
  async function* pages(pageSize = 999): AsyncIterable<IdpClient[]> {
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<IdentityProvider['listOwnedClients']>> = await identity.listOwnedClients({ cursor, limit: pageSize });
      yield await mapLimit(page.items, concurrency, async (registration) => ({
        registration,
        credentials: (registration as { credentials?: CredentialMetadata[] }).credentials
          ?? (identity.capabilities.readCredentials ? await identity.readCredentials(registration.objectId) : []),
        tags: (registration as { tags?: string[] }).tags ?? null,
      }));
      cursor = page.nextCursor;
    } while (cursor);
  }
  return {
    pages,
    async find(id) {
      for await (const page of pages()) {
        const hit = page.find((c) => c.registration.clientId === id || c.registration.objectId === id);
        if (hit) return { client: hit, owned: true };
      }
      const registration = await identity.getClient(id);
      if (!registration) return null;
      const credentials = identity.capabilities.readCredentials ? await identity.readCredentials(registration.objectId) : [];
      return { client: { registration, credentials, tags: null }, owned: false };
    },
  };
}

async function ownedBy(pages: (n?: number) => AsyncIterable<IdpClient[]>, objectId: string): Promise<boolean> {
  for await (const page of pages()) if (page.some((c) => c.registration.objectId === objectId)) return true;
  return false;
}

/** Maps with at most `limit` calls in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
