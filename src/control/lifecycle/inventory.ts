import type { ClientApp, Credential, CredentialState, Environment, Provider } from '../../core/domain.ts';
import type { Store } from '../../core/ports/store.ts';
import { listAll } from '../context.ts';
import type { ReadDeps } from './deps.ts';
import { daysLeft } from './thresholds.ts';

export interface InventoryItem {
  credential: Omit<Credential, 'secretHash'>;
  owner: { type: Credential['ownerType']; id: string; name: string | null };
  /** The app's environment; for a provider's own credential, every environment that uses the provider. */
  environments: { id: string; name: string }[];
  /** Whole days until expiry (negative once expired); null when it never expires. */
  expiresInDays: number | null;
  /**
   * Last time the credential was used: its own `lastUsedAt` when known, else its app's last activity at the gateway
   * (which records usage per app). `lastUsedSource` says which: 'credential' (the credential's own use seen at the
   * gateway), 'idp' (the IdP's sign-in report, e.g. Entra's credential sign-in activity; per credential, use outside
   * the gateway included), 'app' (the app's gateway activity, through any of its credentials).
   */
  lastUsedAt: number | null;
  lastUsedSource: 'credential' | 'idp' | 'app' | null;
}

export interface InventoryQuery {
  /** Only credentials that expire within this many ms from now (expired ones included). */
  expiringWithinMs?: number;
  environmentId?: string;
  ownerType?: Credential['ownerType'];
  /** Removed credentials are left out unless asked for. */
  includeRemoved?: boolean;
}

/**
 * Every credential of every client app and provider with its expiry, origin, state and last use, soonest expiry
 * first (never-expiring last). Backs `GET /v1/credentials` and `gatehouse credential list --expiring-within`.
 */
export async function listCredentialInventory(deps: ReadDeps, query: InventoryQuery = {}): Promise<InventoryItem[]> {
  const { store } = deps;
  const now = deps.clock.now();
  const states: CredentialState[] = query.includeRemoved ? ['active', 'retiring', 'removed'] : ['active', 'retiring'];
  const credentials = await listAll((p) =>
    store.credentials.list(
      {
        states,
        ...(query.ownerType ? { ownerType: query.ownerType } : {}),
        ...(query.expiringWithinMs !== undefined ? { expiresBefore: now + query.expiringWithinMs } : {}),
      },
      p,
    ),
  );
  const owners = ownerLookup(store);
  const items: InventoryItem[] = [];
  for (const credential of credentials) {
    if (query.expiringWithinMs !== undefined && credential.expiresAt === null) continue;
    const resolved = await owners.resolve(credential);
    if (query.environmentId && !resolved.environments.some((e) => e.id === query.environmentId)) continue;
    const appSeen = credential.ownerType === 'app' ? await owners.appLastSeen(credential.ownerId) : null;
    const { secretHash: _omitted, ...visible } = credential;
    items.push({
      credential: visible,
      owner: { type: credential.ownerType, id: credential.ownerId, name: resolved.name },
      environments: resolved.environments,
      expiresInDays: credential.expiresAt === null ? null : daysLeft(credential.expiresAt, now),
      lastUsedAt: credential.lastUsedAt ?? appSeen,
      lastUsedSource: credential.lastUsedAt !== null ? (credential.lastUsedSource === 'idp' ? 'idp' : 'credential') : appSeen !== null ? 'app' : null,
    });
  }
  return items.sort((a, b) => (a.credential.expiresAt ?? Infinity) - (b.credential.expiresAt ?? Infinity) || a.credential.id.localeCompare(b.credential.id));
}

export interface ResolvedOwner {
  name: string | null;
  app: ClientApp | null;
  provider: Provider | null;
  environments: { id: string; name: string }[];
}

/** Memoised owner/environment/activity lookups for one pass over many credentials. */
export function ownerLookup(store: Store) {
  const apps = new Map<string, Promise<ClientApp | null>>();
  const providers = new Map<string, Promise<Provider | null>>();
  const envs = new Map<string, Promise<Environment | null>>();
  const seen = new Map<string, Promise<number | null>>();
  let allEnvs: Promise<Environment[]> | null = null;
  const memo = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    if (!map.has(key)) map.set(key, load());
    return map.get(key)!;
  };
  const app = (id: string) => memo(apps, id, () => store.apps.get(id));
  const env = (id: string) => memo(envs, id, () => store.environments.get(id));

  return {
    app,
    env,
    provider: (id: string) => memo(providers, id, () => store.providers.get(id)),
    appLastSeen: (appId: string) => memo(seen, appId, async () => (await store.usage.activity(appId))?.lastSeenAt ?? null),
    async resolve(credential: Pick<Credential, 'ownerType' | 'ownerId'>): Promise<ResolvedOwner> {
      if (credential.ownerType === 'app') {
        const a = await app(credential.ownerId);
        const e = a ? await env(a.environmentId) : null;
        return { name: a?.name ?? null, app: a, provider: null, environments: e ? [{ id: e.id, name: e.name }] : [] };
      }
      const p = await memo(providers, credential.ownerId, () => store.providers.get(credential.ownerId));
      allEnvs ??= listAll((page) => store.environments.list({}, page));
      const using = (await allEnvs).filter((e) => e.providerIds.includes(credential.ownerId) || e.defaultProviderId === credential.ownerId);
      return { name: p?.name ?? null, app: null, provider: p, environments: using.map((e) => ({ id: e.id, name: e.name })) };
    },
  };
}
