import type { ClientApp, Credential } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { CredentialMetadata } from '../../core/ports/identity.ts';
import type { Repositories } from '../../core/ports/store.ts';
import { audit, type Caller } from '../context.ts';

/** Rows and audit events the reconciler and `app import` write; shared so both record imports the same way. */

export function reconcileCaller(actor: string): Caller {
  return { actor, role: 'admin', subject: actor };
}

/** A credential found in the IdP, recorded as `external`: tracked and alerted on, never rotated behind its owner's back. */
export function externalCredential(appId: string, meta: CredentialMetadata, now: number): Credential {
  return {
    id: newId('credential', now), ownerType: 'app', ownerId: appId, kind: meta.kind, keyId: meta.keyId,
    hint: (meta.hint ?? '').slice(0, 3), secretHash: null, origin: 'external', state: 'active',
    createdAt: meta.startsAt ?? now, expiresAt: meta.expiresAt, retireAt: null, removedAt: null, lastUsedAt: null,
  };
}

/**
 * Inserts the IdP credentials the app's rows lack (matched by keyId, any state) and audits each as
 * `credential.imported`. Runs inside the caller's transaction; returns the rows it inserted.
 */
export async function importCredentials(
  tx: Repositories, caller: Caller, now: number, appId: string, metas: CredentialMetadata[],
): Promise<Credential[]> {
  if (metas.length === 0) return [];
  const existing = await tx.credentials.list({ ownerType: 'app', ownerId: appId }, { limit: 500 });
  const known = new Set(existing.items.map((c) => c.keyId));
  const inserted: Credential[] = [];
  for (const meta of metas) {
    if (known.has(meta.keyId)) continue;
    known.add(meta.keyId);
    const credential = externalCredential(appId, meta, now);
    await tx.credentials.insert(credential);
    await audit(tx, caller, now, {
      type: 'credential.imported', entityType: 'credential', entityId: credential.id, before: null,
      after: { ...credential, source: 'idp', displayName: meta.displayName },
    });
    inserted.push(credential);
  }
  return inserted;
}

/** The app row for an IdP registration Gatehouse adopts (reconcile) or imports (`app import`). */
export function importedApp(input: {
  id: string; environmentId: string; providerId: string; name: string; clientId: string; objectId: string;
  uniqueName: string | null; description: string; now: number;
}): ClientApp {
  return {
    id: input.id, environmentId: input.environmentId, name: input.name, description: input.description,
    ownerContacts: [], ownerSubject: null, providerId: input.providerId, clientId: input.clientId,
    registration: { clientId: input.clientId, objectId: input.objectId, uniqueName: input.uniqueName },
    createdAt: input.now, updatedAt: input.now,
  };
}

/** App names are unique per environment and IdP display names are not: a clash gets a stable suffix. */
export function disambiguatedName(name: string, clientId: string): string {
  return `${name.slice(0, 80)} (${clientId.slice(0, 8)})`;
}
