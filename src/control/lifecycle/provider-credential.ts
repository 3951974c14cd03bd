import { X509Certificate } from 'node:crypto';
import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { Clock } from '../../core/clock.ts';
import type { Credential, Provider } from '../../core/domain.ts';
import { GatehouseError, isGatehouseError, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Store } from '../../core/ports/store.ts';
import { EntraIdentityProvider } from '../../identity/entra/adapter.ts';
import type { EntraPlatformCredential } from '../../identity/entra/config.ts';
import { createIdentityProvider, sealEntraCredential } from '../../identity/factory.ts';
import { generateSelfSignedCertificate, certificateThumbprint } from '../../identity/entra/self-rotation-certificate.ts';
import {
  addKeyToSelf, readSelfApplication, removeKeyFromSelf, selfOwnershipInstructions, verifyPlatformCredential,
  type SelfApplication, type SelfCredential, type VerifyOptions,
} from '../../identity/entra/self-rotation.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Vault } from '../../platform/vault.ts';
import { audit, DAY_MS, listAll, type Caller } from '../context.ts';
import { withoutHash } from './rotation.ts';

/**
 * The provider's own credential (issue 6 item 4): tracked as Credential rows (ownerType 'provider'), so the
 * inventory, expiry gauge and alerts cover it, and rolled by the platform app itself — a certificate with
 * addKey/removeKey and proof of possession, or a secret when its service principal owns its own application.
 */
export interface ProviderCredentialDeps {
  store: Store;
  clock: Clock;
  /** Decrypts the provider's credential and seals the new one. */
  vault: Vault;
  logger?: Logger;
  /** Builds the Entra adapter for a stored provider (default: createIdentityProvider(provider, { vault, clock })). */
  entraFor?: (provider: Provider) => EntraIdentityProvider;
  /** How long the replaced credential stays in the IdP after the switch (default 0: only Gatehouse uses it). */
  overlapMs?: number;
  /** Validity of a generated certificate (default 365 days). */
  certificateLifetimeDays?: number;
  /** Lifetime of a new secret (default 180 days). */
  secretLifetimeDays?: number;
  /** Retries of the token check with the new credential. */
  verify?: VerifyOptions;
}

export const DEFAULT_CERTIFICATE_LIFETIME_DAYS = 365;
export const DEFAULT_PROVIDER_SECRET_LIFETIME_DAYS = 180;
/** Graph's issuer of a generated certificate can be a few minutes ahead of ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

type PublicCredential = Omit<Credential, 'secretHash'>;

export interface ProviderCredentialSync {
  providerId: string;
  /** False when the platform app may not read its own application: only a certificate's local expiry is known. */
  readable: boolean;
  /** Whether the platform app's service principal owns its application (secret self-rotation possible). */
  ownsItself: boolean;
  /** The provider's active and retiring credential rows after the sync. */
  credentials: PublicCredential[];
}

export interface ProviderRotationReport {
  providerId: string;
  kind: 'certificate' | 'secret';
  /** The replaced credential's key id; null when it could not be identified (then it was left in place). */
  oldKeyId: string | null;
  newKeyId: string;
  expiresAt: number;
  /** The new credential's row. */
  credentialId: string;
  /** True when the old credential was removed from the IdP already; else it retires at `retireAt`. */
  oldRemoved: boolean;
  retireAt: number | null;
}

// ---- tracking ----

/**
 * Reads the platform app's own credentials from its application object and upserts them as provider credential
 * rows (origin 'gatehouse' for the one in use, 'external' for others), marking rows whose key is gone as removed.
 * Audited (`credential.imported` / `credential.removed`) in one transaction.
 */
export async function syncProviderCredentials(deps: ProviderCredentialDeps, providerId: string, caller: Caller): Promise<ProviderCredentialSync> {
  const provider = await entraProvider(deps, providerId);
  const p = entraFor(deps, provider);
  const self = await readSelfApplication(p);
  const observed = self ? self.credentials : localObservation(p.platformCredential);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    const rows = await listAll((pg) => tx.credentials.list({ ownerType: 'provider', ownerId: providerId, states: ['active', 'retiring'] }, pg));
    for (const o of observed) {
      const row = rows.find((r) => r.keyId === o.keyId);
      const origin = o.inUse ? 'gatehouse' : row?.origin ?? 'external';
      const hint = o.hint ?? (o.thumbprint ? o.thumbprint.slice(0, 3) : '');
      if (!row) {
        const added: Credential = {
          id: newId('credential', now), ownerType: 'provider', ownerId: providerId, kind: o.kind, keyId: o.keyId, hint, secretHash: null,
          origin, state: 'active', createdAt: o.startsAt ?? now, expiresAt: o.expiresAt, retireAt: null, removedAt: null, lastUsedAt: null,
        };
        await tx.credentials.insert(added);
        await audit(tx, caller, now, { type: 'credential.imported', entityType: 'credential', entityId: added.id, before: null, after: added });
      } else if (row.expiresAt !== o.expiresAt || row.origin !== origin || row.hint !== hint) {
        const updated: Credential = { ...row, expiresAt: o.expiresAt, origin, hint };
        await tx.credentials.update(updated);
        await audit(tx, caller, now, { type: 'credential.imported', entityType: 'credential', entityId: row.id, before: row, after: updated });
      }
    }
    // Only a full read of the application proves a key is gone.
    if (!self) return;
    for (const row of rows) {
      if (observed.some((o) => o.keyId === row.keyId)) continue;
      const removed: Credential = { ...row, state: 'removed', removedAt: now };
      await tx.credentials.update(removed);
      await audit(tx, caller, now, { type: 'credential.removed', entityType: 'credential', entityId: row.id, before: row, after: removed });
    }
  });
  const credentials = await listAll((pg) => deps.store.credentials.list({ ownerType: 'provider', ownerId: providerId, states: ['active', 'retiring'] }, pg));
  return { providerId, readable: self !== null, ownsItself: self?.ownsItself ?? false, credentials: credentials.map(withoutHash) };
}

/** Without read access, a certificate still tells its own expiry; its row is keyed by thumbprint (`x5t:<sha1 hex>`). */
function localObservation(credential: EntraPlatformCredential): SelfCredential[] {
  if (credential.type !== 'certificate') return [];
  const thumb = certificateThumbprint(credential.certificatePem).toString('hex');
  const cert = new X509Certificate(credential.certificatePem);
  return [{
    kind: 'certificate', keyId: `x5t:${thumb}`, hint: thumb.slice(0, 3), displayName: null, inUse: true, thumbprint: thumb,
    startsAt: Date.parse(cert.validFrom), expiresAt: Date.parse(cert.validTo),
  }];
}

// ---- rotation ----

const running = new Set<string>();

/**
 * Rolls the provider's own credential: adds the new one in Entra, proves a token can be acquired with it, switches
 * the sealed credential (with its audit events, in one transaction), then removes the old one — at once, or after
 * `overlapMs` (then `finishProviderRetirements` does it). Any failure before the switch removes the new credential
 * again, so Entra is left as it was.
 */
export async function rotateProviderCredential(deps: ProviderCredentialDeps, caller: Caller, providerId: string): Promise<ProviderRotationReport> {
  if (caller.role !== 'admin') throw new GatehouseError('FORBIDDEN', 'Only admins may rotate a provider\'s own credential.');
  const provider = await entraProvider(deps, providerId);
  if (running.has(providerId)) {
    throw new GatehouseError('CONFLICT', `A rotation of provider ${provider.name}'s credential is already running.`, { providerId });
  }
  running.add(providerId);
  try {
    const p = entraFor(deps, provider);
    const self = await readSelfApplication(p);
    if (!self) {
      throw new GatehouseError('IDP_REJECTED', `The platform app of provider ${provider.name} cannot read its own application object, so it cannot roll its credential.`, {
        idpCode: 'SelfNotReadable', providerId,
        hint: 'Renew the credential in Entra admin center → App registrations → Certificates & secrets and store it with `gatehouse provider update`.',
      });
    }
    return p.platformCredential.type === 'certificate'
      ? await rollCertificate(deps, caller, provider, p, self)
      : await rollSecret(deps, caller, provider, p, self);
  } finally {
    running.delete(providerId);
  }
}

async function rollCertificate(deps: ProviderCredentialDeps, caller: Caller, provider: Provider, p: EntraIdentityProvider, self: SelfApplication): Promise<ProviderRotationReport> {
  const current = p.platformCredential as Extract<EntraPlatformCredential, { type: 'certificate' }>;
  const old = self.credentials.find((c) => c.inUse) ?? null;
  if (!old) {
    throw new GatehouseError('CONFLICT', `The certificate provider ${provider.name} signs in with is not on its application object, so no proof of possession can be made with it.`, {
      providerId: provider.id, hint: 'Store a certificate that is registered on the platform app (`gatehouse provider update`), then rotate again.',
    });
  }
  const now = deps.clock.now();
  const credentialId = newId('credential', now);
  const generated = await generateSelfSignedCertificate({
    subject: `gatehouse-${provider.name}`, notBefore: now - CLOCK_SKEW_MS,
    notAfter: now + (deps.certificateLifetimeDays ?? DEFAULT_CERTIFICATE_LIFETIME_DAYS) * DAY_MS,
  });
  const added = await addKeyToSelf(p, deps.clock, self.objectId, generated, `gatehouse:${credentialId}`, current);
  const next: EntraPlatformCredential = { type: 'certificate', certificatePem: generated.certificatePem, privateKeyPem: generated.privateKeyPem };
  const undo = () => removeKeyFromSelf(p, deps.clock, self.objectId, added.keyId, current);
  await switchCredential(deps, caller, provider, p, next, undo, {
    id: credentialId, kind: 'certificate', keyId: added.keyId, hint: certificateThumbprint(generated.certificatePem).toString('hex').slice(0, 3),
    expiresAt: added.expiresAt,
  }, old);
  return finishSwitch(deps, caller, provider.id, { kind: 'certificate', old, newKeyId: added.keyId, expiresAt: added.expiresAt, credentialId });
}

async function rollSecret(deps: ProviderCredentialDeps, caller: Caller, provider: Provider, p: EntraIdentityProvider, self: SelfApplication): Promise<ProviderRotationReport> {
  if (!self.ownsItself) {
    throw new GatehouseError('IDP_REJECTED',
      `Provider ${provider.name} signs in with a client secret, and its platform app does not own its own application, so it cannot add or remove its own secrets.`,
      { idpCode: 'NotOwnerOfSelf', providerId: provider.id, hint: selfOwnershipInstructions(p.endpoints.graphBaseUrl, self.objectId, self.principalId) });
  }
  const old = self.credentials.find((c) => c.inUse) ?? null;
  const now = deps.clock.now();
  const credentialId = newId('credential', now);
  const issued = await p.addSecret(self.objectId, {
    displayName: `gatehouse:${credentialId}`, expiresAt: now + (deps.secretLifetimeDays ?? DEFAULT_PROVIDER_SECRET_LIFETIME_DAYS) * DAY_MS,
  });
  const next: EntraPlatformCredential = { type: 'secret', clientSecret: issued.secret };
  const undo = () => p.removeSecret(self.objectId, issued.keyId);
  await switchCredential(deps, caller, provider, p, next, undo, { id: credentialId, kind: 'secret', keyId: issued.keyId, hint: issued.hint, expiresAt: issued.expiresAt }, old);
  return finishSwitch(deps, caller, provider.id, { kind: 'secret', old, newKeyId: issued.keyId, expiresAt: issued.expiresAt, credentialId });
}

interface NewRow { id: string; kind: 'certificate' | 'secret'; keyId: string; hint: string; expiresAt: number }

/** Verify, then seal and record; on any failure the new IdP credential is removed again (best effort). */
async function switchCredential(
  deps: ProviderCredentialDeps, caller: Caller, provider: Provider, p: EntraIdentityProvider, next: EntraPlatformCredential,
  undo: () => Promise<void>, row: NewRow, old: SelfCredential | null,
): Promise<void> {
  try {
    try {
      await verifyPlatformCredential(p, next, provider.name, deps.verify);
    } catch (e) {
      throw new GatehouseError('IDP_REJECTED',
        `The new ${row.kind} was added to provider ${provider.name}'s application, but no token could be acquired with it; it was removed again and the current credential stays in use.`,
        { idpCode: isGatehouseError(e) && typeof e.extras.idpCode === 'string' ? e.extras.idpCode : 'VerificationFailed', providerId: provider.id }, { cause: e });
    }
    const sealed = sealEntraCredential(deps.vault, provider.id, next.type === 'secret'
      ? { clientSecret: next.clientSecret } : { certificatePem: next.certificatePem, privateKeyPem: next.privateKeyPem });
    const now = deps.clock.now();
    await deps.store.transaction(async (tx) => {
      const fresh = await tx.providers.get(provider.id);
      // Another node rotated (or an admin replaced the credential) meanwhile: theirs wins, ours is undone.
      if (!fresh || fresh.secretCiphertext !== provider.secretCiphertext) {
        throw new GatehouseError('CONFLICT', `Provider ${provider.name}'s credential changed during the rotation; nothing was switched.`, { providerId: provider.id });
      }
      const updated: Provider = { ...fresh, secretCiphertext: sealed, updatedAt: now };
      await tx.providers.update(updated);
      await audit(tx, caller, now, { type: 'provider.updated', entityType: 'provider', entityId: provider.id, before: fresh, after: updated });
      const credential: Credential = {
        id: row.id, ownerType: 'provider', ownerId: provider.id, kind: row.kind, keyId: row.keyId, hint: row.hint, secretHash: null,
        origin: 'gatehouse', state: 'active', createdAt: now, expiresAt: row.expiresAt, retireAt: null, removedAt: null, lastUsedAt: null,
      };
      await tx.credentials.insert(credential);
      await audit(tx, caller, now, { type: 'credential.added', entityType: 'credential', entityId: credential.id, before: null, after: credential, idpActivity: ENTRA_ACTIVITY.addPassword });
      if (!old) return;
      const retireAt = now + (deps.overlapMs ?? 0);
      const rows = await listAll((pg) => tx.credentials.list({ ownerType: 'provider', ownerId: provider.id, states: ['active', 'retiring'] }, pg));
      const existing = rows.find((r) => r.keyId === old.keyId);
      if (existing) {
        const retiring: Credential = { ...existing, state: 'retiring', retireAt };
        await tx.credentials.update(retiring);
        await audit(tx, caller, now, { type: 'credential.retiring', entityType: 'credential', entityId: existing.id, before: existing, after: retiring });
      } else {
        // Never synced: record the old credential now so its removal is tracked.
        const retiring: Credential = {
          id: newId('credential', now), ownerType: 'provider', ownerId: provider.id, kind: old.kind, keyId: old.keyId,
          hint: old.hint ?? old.thumbprint?.slice(0, 3) ?? '', secretHash: null, origin: 'gatehouse', state: 'retiring',
          createdAt: old.startsAt ?? now, expiresAt: old.expiresAt, retireAt, removedAt: null, lastUsedAt: null,
        };
        await tx.credentials.insert(retiring);
        await audit(tx, caller, now, { type: 'credential.retiring', entityType: 'credential', entityId: retiring.id, before: null, after: retiring });
      }
    });
  } catch (e) {
    await undo().catch((err: unknown) => deps.logger?.warn({ err, providerId: provider.id, keyId: row.keyId }, 'could not remove the unused new provider credential'));
    throw e;
  }
}

async function finishSwitch(
  deps: ProviderCredentialDeps, caller: Caller, providerId: string,
  r: { kind: 'certificate' | 'secret'; old: SelfCredential | null; newKeyId: string; expiresAt: number; credentialId: string },
): Promise<ProviderRotationReport> {
  const report: ProviderRotationReport = {
    providerId, kind: r.kind, oldKeyId: r.old?.keyId ?? null, newKeyId: r.newKeyId, expiresAt: r.expiresAt, credentialId: r.credentialId,
    oldRemoved: false, retireAt: null,
  };
  if (!r.old) return report;
  const retiring = (await listAll((pg) => deps.store.credentials.list({ ownerType: 'provider', ownerId: providerId, states: ['retiring'] }, pg)))
    .find((c) => c.keyId === r.old!.keyId);
  report.retireAt = retiring?.retireAt ?? null;
  if ((deps.overlapMs ?? 0) > 0 || !retiring) return report;
  try {
    report.oldRemoved = await retireProviderCredential(deps, caller, retiring);
  } catch (err) {
    // The switch is done; the next lifecycle tick (finishProviderRetirements) retries the removal.
    deps.logger?.warn({ err, providerId, keyId: r.old.keyId }, 'old provider credential not removed yet; will retry');
  }
  return report;
}

/** Removes retiring provider credentials whose overlap has ended, in Entra first (with the credential now in use), then here. */
export async function finishProviderRetirements(deps: ProviderCredentialDeps, providerId: string, caller: Caller): Promise<number> {
  const now = deps.clock.now();
  const due = (await listAll((pg) => deps.store.credentials.list({ ownerType: 'provider', ownerId: providerId, states: ['retiring'] }, pg)))
    .filter((c) => c.retireAt !== null && c.retireAt <= now);
  let removed = 0;
  for (const c of due) if (await retireProviderCredential(deps, caller, c)) removed++;
  return removed;
}

async function retireProviderCredential(deps: ProviderCredentialDeps, caller: Caller, credential: Credential): Promise<boolean> {
  const provider = await entraProvider(deps, credential.ownerId);
  const p = entraFor(deps, provider);
  if (!credential.keyId.startsWith('x5t:')) {
    const self = await readSelfApplication(p);
    if (!self) throw new GatehouseError('IDP_REJECTED', 'The platform app cannot read its own application object.', { idpCode: 'SelfNotReadable' });
    const stillThere = self.credentials.some((c) => c.keyId === credential.keyId);
    if (stillThere && self.credentials.find((c) => c.keyId === credential.keyId)!.inUse) {
      throw new GatehouseError('CONFLICT', 'The credential to remove is the one in use; it stays.', { credentialId: credential.id });
    }
    if (stillThere && credential.kind === 'certificate') {
      const proof = p.platformCredential;
      if (proof.type !== 'certificate') throw new GatehouseError('CONFLICT', 'A certificate can only be removed with proof from a certificate in use.', { credentialId: credential.id });
      await removeKeyFromSelf(p, deps.clock, self.objectId, credential.keyId, proof);
    } else if (stillThere) {
      await p.removeSecret(self.objectId, credential.keyId);
    }
  }
  const now = deps.clock.now();
  return deps.store.transaction(async (tx) => {
    const before = await tx.credentials.get(credential.id);
    if (!before || before.state !== 'retiring') return false;
    const after: Credential = { ...before, state: 'removed', removedAt: now };
    await tx.credentials.update(after);
    await audit(tx, caller, now, { type: 'credential.removed', entityType: 'credential', entityId: after.id, before, after, idpActivity: ENTRA_ACTIVITY.removePassword });
    return true;
  });
}

// ---- helpers ----

async function entraProvider(deps: ProviderCredentialDeps, providerId: string): Promise<Provider> {
  const provider = await deps.store.providers.get(providerId);
  if (!provider) throw notFound('provider', providerId);
  if (provider.kind !== 'entra') {
    throw new GatehouseError('VALIDATION_FAILED', `Provider ${provider.name} is a ${provider.kind} provider; only Entra providers have a platform credential to track and rotate.`, { providerId });
  }
  return provider;
}

function entraFor(deps: ProviderCredentialDeps, provider: Provider): EntraIdentityProvider {
  const adapter = deps.entraFor ? deps.entraFor(provider) : createIdentityProvider(provider, { vault: deps.vault, clock: deps.clock });
  if (!(adapter instanceof EntraIdentityProvider)) throw new GatehouseError('INTERNAL', `Provider ${provider.name} did not yield an Entra adapter.`);
  return adapter;
}
