import type { ClientApp, Credential, Environment, Provider } from '../../core/domain.ts';
import { isGatehouseError } from '../../core/errors.ts';
import type { CredentialActivity, IdentityProvider } from '../../core/ports/identity.ts';
import type { CredentialLastUse } from '../../core/ports/store.ts';
import { listAll } from '../context.ts';
import type { LifecycleDeps } from './deps.ts';

/**
 * Entra's sign-in reports lag sign-ins by minutes to hours and Graph's reporting throttle is 5 requests per 10 s,
 * so reading the report more often buys nothing: at most this often per provider.
 */
export const DEFAULT_CREDENTIAL_ACTIVITY_INTERVAL_MS = 6 * 3_600_000;
/** A licence or a permission does not appear by itself within minutes: after such a refusal, ask again this much later. */
export const DEFAULT_CREDENTIAL_ACTIVITY_UNAVAILABLE_BACKOFF_MS = 24 * 3_600_000;
/** After a transient failure (Graph unavailable or throttling beyond the adapter's retries). */
export const CREDENTIAL_ACTIVITY_RETRY_MS = 15 * 60_000;

/** Refusals that mean "not in this tenant / not with these permissions", as opposed to "try again later". */
const UNAVAILABLE_CODES = new Set(['IDP_FEATURE_UNAVAILABLE', 'IDP_PERMISSION_MISSING']);

/** What the phase remembers about one provider between ticks. Keep one map per process (the lease holder's). */
export interface CredentialActivityMemo {
  /** When the report was last read (successfully), or the last attempt ended. */
  at: number;
  /** Not before this time again. */
  nextAt: number;
  unavailable?: { code: string; hint: string };
}

export interface CredentialActivityDeps extends Pick<LifecycleDeps, 'store' | 'clock' | 'logger'> {
  /** The provider's IdP adapter; only adapters with `listCredentialActivity` are asked. */
  identityFor: (provider: Provider) => IdentityProvider | Promise<IdentityProvider>;
  /** Default DEFAULT_CREDENTIAL_ACTIVITY_INTERVAL_MS (6 h). */
  intervalMs?: number;
  /** Default DEFAULT_CREDENTIAL_ACTIVITY_UNAVAILABLE_BACKOFF_MS (24 h). */
  unavailableBackoffMs?: number;
  /** Per provider id. Without it every call reads every report (tests, one-off runs). */
  lastSync?: Map<string, CredentialActivityMemo>;
}

export interface CredentialActivityItem {
  providerId: string;
  /** Whether the report was read in this run (false: not due yet, backing off, or it failed). */
  read: boolean;
  /** Records in the report that matched a stored credential of this provider (its apps' or its own). */
  matched: number;
  /** Credentials whose lastUsedAt moved forward. */
  updated: number;
  /** The IdP cannot give the report (licence or permission); asked again after the back-off. */
  unavailable?: { code: string; hint: string };
  /** A transient failure; retried after CREDENTIAL_ACTIVITY_RETRY_MS. */
  error?: { code: string };
}

export interface CredentialActivityReport { providers: CredentialActivityItem[] }

/**
 * Each credential's last use as the IdP saw it (issue 6 item 1: Entra's credential sign-in activity report, when the
 * tenant's licence and the platform app's permissions allow it). For every Entra provider, at most every
 * `intervalMs`: read the report and raise `lastUsedAt` (source 'idp') of each matching stored credential — matched by
 * key id and client id among the apps that use the provider and the provider's own credentials, so a credential
 * added in the IdP and imported by reconcile counts too.
 *
 * An observation, not a state change: no audit event (the run is logged), and the write does not move the store's
 * change counter, so the gateway does not rebuild its snapshot. Never throws for one provider's failure.
 */
export async function credentialActivityPhase(deps: CredentialActivityDeps): Promise<CredentialActivityReport> {
  const providers = await listAll((pg) => deps.store.providers.list({ kind: 'entra' }, pg));
  const report: CredentialActivityReport = { providers: [] };
  const owners = lazyOwners(deps);
  for (const provider of providers) {
    if (!provider.secretCiphertext) continue; // not configured yet: nothing to sign in with
    report.providers.push(await oneProvider(deps, provider, owners));
  }
  return report;
}

async function oneProvider(deps: CredentialActivityDeps, provider: Provider, owners: Owners): Promise<CredentialActivityItem> {
  const now = deps.clock.now();
  const memo = deps.lastSync?.get(provider.id);
  const item: CredentialActivityItem = { providerId: provider.id, read: false, matched: 0, updated: 0 };
  if (memo && now < memo.nextAt) {
    if (memo.unavailable) item.unavailable = memo.unavailable;
    return item;
  }
  let records: CredentialActivity[];
  try {
    const idp = await deps.identityFor(provider);
    if (!idp.listCredentialActivity) {
      return unavailable(deps, provider, item, memo, now, {
        code: 'NOT_SUPPORTED', hint: `Provider ${provider.name} has no credential sign-in report; last use comes from the gateway only.`,
      });
    }
    records = await idp.listCredentialActivity();
  } catch (err) {
    if (isGatehouseError(err) && UNAVAILABLE_CODES.has(err.code)) {
      return unavailable(deps, provider, item, memo, now, {
        code: err.code, hint: typeof err.extras.hint === 'string' ? err.extras.hint : err.message,
      });
    }
    item.error = { code: isGatehouseError(err) ? err.code : 'INTERNAL' };
    deps.logger?.warn({ err, providerId: provider.id }, 'credential sign-in report could not be read; will retry');
    deps.lastSync?.set(provider.id, { ...memo, at: now, nextAt: now + CREDENTIAL_ACTIVITY_RETRY_MS });
    return item;
  }

  const updates = matchActivity(records, await owners.credentialsOf(provider));
  item.read = true;
  item.matched = updates.matched;
  item.updated = await deps.store.credentials.recordLastUse(updates.rows);
  deps.lastSync?.set(provider.id, { at: now, nextAt: now + (deps.intervalMs ?? DEFAULT_CREDENTIAL_ACTIVITY_INTERVAL_MS) });
  if (memo?.unavailable) deps.logger?.info({ providerId: provider.id }, 'credential sign-in report is available again');
  deps.logger?.info({ providerId: provider.id, reported: records.length, matched: item.matched, updated: item.updated },
    'credential last use read from the IdP');
  return item;
}

function unavailable(
  deps: CredentialActivityDeps, provider: Provider, item: CredentialActivityItem, memo: CredentialActivityMemo | undefined,
  now: number, why: { code: string; hint: string },
): CredentialActivityItem {
  item.unavailable = why;
  // Logged when it starts (or its reason changes), not at every back-off: the doctor keeps saying it meanwhile.
  if (memo?.unavailable?.code !== why.code) {
    deps.logger?.info({ providerId: provider.id, code: why.code, hint: why.hint },
      'credential sign-in report unavailable; last use comes from the gateway only');
  }
  deps.lastSync?.set(provider.id, {
    at: now, nextAt: now + (deps.unavailableBackoffMs ?? DEFAULT_CREDENTIAL_ACTIVITY_UNAVAILABLE_BACKOFF_MS), unavailable: why,
  });
  return item;
}

/** A stored credential and the client id its key signs in as. */
interface Candidate { credential: Credential; clientId: string }

/** The newest sign-in per key wins; only a sign-in newer than the stored last use is written. */
export function matchActivity(records: CredentialActivity[], candidates: Candidate[]): { matched: number; rows: CredentialLastUse[] } {
  const byKey = new Map<string, CredentialActivity[]>();
  for (const r of records) byKey.set(r.keyId.toLowerCase(), [...(byKey.get(r.keyId.toLowerCase()) ?? []), r]);
  let matched = 0;
  const rows: CredentialLastUse[] = [];
  for (const { credential, clientId } of candidates) {
    const mine = (byKey.get(credential.keyId.toLowerCase()) ?? []).filter((r) => r.clientId.toLowerCase() === clientId.toLowerCase());
    if (mine.length === 0) continue;
    matched++;
    const last = Math.max(...mine.map((r) => r.lastSignInAt ?? -Infinity));
    if (Number.isFinite(last) && last > (credential.lastUsedAt ?? -Infinity)) {
      rows.push({ credentialId: credential.id, lastUsedAt: last, source: 'idp' });
    }
  }
  return { matched, rows };
}

interface Owners { credentialsOf(provider: Provider): Promise<Candidate[]> }

/** Apps, environments and live app credentials, loaded once per run and only when some provider is due. */
function lazyOwners(deps: CredentialActivityDeps): Owners {
  let loaded: Promise<{ apps: ClientApp[]; envs: Map<string, Environment>; appCredentials: Credential[] }> | null = null;
  const load = () => (loaded ??= (async () => ({
    apps: await listAll((pg) => deps.store.apps.list({}, pg)),
    envs: new Map((await listAll((pg) => deps.store.environments.list({}, pg))).map((e) => [e.id, e])),
    appCredentials: await listAll((pg) => deps.store.credentials.list({ ownerType: 'app', states: ['active', 'retiring'] }, pg)),
  }))());
  return {
    async credentialsOf(provider) {
      const { apps, envs, appCredentials } = await load();
      const clientIdOf = new Map<string, string>();
      for (const app of apps) {
        const providerId = app.providerId ?? envs.get(app.environmentId)?.defaultProviderId ?? null;
        if (providerId === provider.id && app.clientId) clientIdOf.set(app.id, app.clientId);
      }
      const candidates: Candidate[] = appCredentials
        .filter((c) => clientIdOf.has(c.ownerId))
        .map((c) => ({ credential: c, clientId: clientIdOf.get(c.ownerId)! }));
      const platformClientId = typeof provider.config.clientId === 'string' ? provider.config.clientId : null;
      if (platformClientId) {
        const own = await listAll((pg) => deps.store.credentials.list({ ownerType: 'provider', ownerId: provider.id, states: ['active', 'retiring'] }, pg));
        candidates.push(...own.map((c) => ({ credential: c, clientId: platformClientId })));
      }
      return candidates;
    },
  };
}
