import type { ClientApp, Credential } from '../../core/domain.ts';
import { isId } from '../../core/ids.ts';
import type { CredentialMetadata } from '../../core/ports/identity.ts';
import type { IdpClient } from './inventory.ts';
import type { StoreSide } from './store-side.ts';

/**
 * The comparison itself: pure, no I/O, so every drift rule is unit-testable. Clients are matched by object id, then
 * by client id; our uniqueName (`gh-{appId}`, see onboarding/names.ts) only decides whether an orphan is ours.
 */
export interface CredentialFinding { appId: string; clientId: string; meta: CredentialMetadata; credential?: Credential }
export interface StoreCredentialFinding { appId: string; clientId: string; credential: Credential }

export interface Findings {
  credentialsAdded: CredentialFinding[];
  credentialsRemoved: StoreCredentialFinding[];
  credentialsChanged: (CredentialFinding & { credential: Credential })[];
  credentialsLingering: (CredentialFinding & { credential: Credential })[];
  appsChanged: { app: ClientApp; client: IdpClient }[];
  /** `deletedInIdp`: the listing showed it soft-deleted (otherwise it is simply absent). */
  appsMissing: { app: ClientApp; deletedInIdp: boolean }[];
  /** `target`: the store app to link (it has no registration yet); null when the app row must be re-created. */
  orphansAdoptable: { client: IdpClient; appId: string; target: ClientApp | null }[];
  orphans: { client: IdpClient; reason: string }[];
  idpClients: number;
  idpCredentials: number;
}

const OUR_APP_UNIQUE_NAME = /^gh-(app_[0-9a-z]{26})$/;
const OUR_RESOURCE_UNIQUE_NAME = /^gh-res-env_[0-9a-z]{26}$/;
/** Our own writes (onboarding `gatehouse job_…`, rotation `gatehouse:crd_…`) may be in the IdP before their row commits. */
const OUR_LABEL = /^gatehouse[ :]/;
export const IN_FLIGHT_MS = 15 * 60_000;

/** The Gatehouse app id a uniqueName was derived from, or null when the IdP object is not one of our client apps. */
export function appIdFromUniqueName(uniqueName: string | null): string | null {
  const m = uniqueName ? OUR_APP_UNIQUE_NAME.exec(uniqueName) : null;
  return m && isId('app', m[1]!) ? m[1]! : null;
}

/** A credential our own job or rotation is adding right now: left alone this run so it is not imported as external. */
export function inFlight(meta: CredentialMetadata, now: number): boolean {
  return meta.displayName !== null && OUR_LABEL.test(meta.displayName) && meta.startsAt !== null && now - meta.startsAt < IN_FLIGHT_MS;
}

export function compare(idp: IdpClient[], store: StoreSide, now: number): Findings {
  const f: Findings = {
    credentialsAdded: [], credentialsRemoved: [], credentialsChanged: [], credentialsLingering: [],
    appsChanged: [], appsMissing: [], orphansAdoptable: [], orphans: [], idpClients: idp.length, idpCredentials: 0,
  };
  const seen = new Set<string>();
  const adoptedIds = new Set<string>();
  for (const client of idp) {
    const reg = client.registration;
    f.idpCredentials += client.credentials.length;
    const app = store.appsByObjectId.get(reg.objectId) ?? store.appsByClientId.get(reg.clientId);
    if (app) {
      seen.add(app.id);
      if (reg.deletedAt !== null) {
        f.appsMissing.push({ app, deletedInIdp: true });
        continue;
      }
      if (reg.displayName !== app.name) f.appsChanged.push({ app, client });
      compareCredentials(f, app.id, reg.clientId, client.credentials, store.credentialsByApp.get(app.id) ?? [], now);
      continue;
    }
    if (reg.deletedAt !== null) continue; // a deleted object nobody knows: nothing to adopt or report
    if (store.resourceAppObjectIds.has(reg.objectId)) continue;
    if (reg.uniqueName && OUR_RESOURCE_UNIQUE_NAME.test(reg.uniqueName)) {
      f.orphans.push({ client, reason: 'A Gatehouse resource app that no environment of this provider records.' });
      continue;
    }
    const appId = appIdFromUniqueName(reg.uniqueName);
    if (!appId) {
      f.orphans.push({ client, reason: 'Owned by the platform but not created by Gatehouse; `gatehouse app import` adopts it.' });
      continue;
    }
    const target = store.appsById.get(appId) ?? null;
    if (target?.registration || adoptedIds.has(appId)) {
      f.orphans.push({ client, reason: `A second registration for ${appId}, which is registered as ${target?.registration?.clientId ?? 'another object'}.` });
      continue;
    }
    adoptedIds.add(appId);
    if (target) seen.add(target.id);
    f.orphansAdoptable.push({ client, appId, target });
  }
  for (const app of store.appsById.values()) {
    // Registered moments ago: Graph may not list it yet (replication lag), so it waits for the next run.
    if (!seen.has(app.id) && app.registration?.objectId && now - app.updatedAt >= IN_FLIGHT_MS) f.appsMissing.push({ app, deletedInIdp: false });
  }
  return f;
}

function compareCredentials(f: Findings, appId: string, clientId: string, idp: CredentialMetadata[], stored: Credential[], now: number): void {
  const byKey = new Map<string, Credential>();
  for (const c of stored) {
    const prev = byKey.get(c.keyId);
    if (!prev || prev.state === 'removed') byKey.set(c.keyId, c); // a live row wins over a removed twin
  }
  const inIdp = new Set<string>();
  for (const meta of idp) {
    inIdp.add(meta.keyId);
    const credential = byKey.get(meta.keyId);
    if (!credential) {
      if (!inFlight(meta, now)) f.credentialsAdded.push({ appId, clientId, meta });
    } else if (credential.state === 'removed') {
      f.credentialsLingering.push({ appId, clientId, meta, credential });
    } else if (credential.kind !== meta.kind || (meta.expiresAt !== null && credential.expiresAt !== meta.expiresAt)) {
      f.credentialsChanged.push({ appId, clientId, meta, credential });
    }
  }
  for (const credential of byKey.values()) {
    // A row committed moments ago may not be in the (eventually consistent) listing yet.
    if (credential.state !== 'removed' && !inIdp.has(credential.keyId) && now - credential.createdAt >= IN_FLIGHT_MS) {
      f.credentialsRemoved.push({ appId, clientId, credential });
    }
  }
}
