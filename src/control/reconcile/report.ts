/**
 * What a reconcile run found and did. Counts are always complete; item lists are capped (`maxItems` per kind) so a
 * tenant with thousands of drifted objects still yields a report a CLI can print and an API can return.
 */

/** Every kind of drift the reconciler recognises, and what `fix` does about it. */
export const DRIFT_KINDS = {
  /** In the IdP, unknown to the store (added behind our back). Fix: import with origin 'external' and its expiry. */
  credentialsAdded: 'fixable',
  /** Active or retiring in the store, gone from the IdP. Fix: mark it removed. */
  credentialsRemoved: 'fixable',
  /** Known on both sides with a different expiry (or type). Fix: take the IdP's values. */
  credentialsChanged: 'fixable',
  /** The store marked it removed, the IdP still has it (a removal that never reached the IdP). Reported. */
  credentialsLingering: 'report',
  /** Registered on both sides under different display names. Reported: which name is right is a human call. */
  appsChanged: 'report',
  /** Registered in the store, absent from the IdP's live objects. Fix: restore when soft-deleted and the port can. */
  appsMissing: 'fixable',
  /** Owned by the platform, unknown to the store, carrying our uniqueName. Fix: adopt (link or re-create the app). */
  orphansAdoptable: 'fixable',
  /** Owned by the platform, unknown to the store, not ours to adopt. Reported (`gatehouse app import` adopts one). */
  orphans: 'report',
} as const;

export type DriftKind = keyof typeof DRIFT_KINDS;

export interface CredentialDriftItem {
  appId: string;
  clientId: string;
  keyId: string;
  credentialKind: 'secret' | 'certificate';
  hint: string | null;
  expiresAt: number | null;
  /** Store credential id (absent for credentials the store does not know yet, until imported). */
  credentialId?: string;
  /** What changed, for credentialsChanged: IdP value vs store value. */
  idp?: { expiresAt: number | null };
  store?: { expiresAt: number | null };
  repaired: boolean;
}

export interface AppDriftItem {
  appId: string;
  clientId: string;
  objectId: string;
  storeName?: string;
  idpName?: string;
  /**
   * appsMissing only. 'restored': soft-deleted and restored by this run; 'soft-deleted': the IdP lists it as deleted;
   * 'not-owned': still exists but the platform no longer owns it; 'gone': neither listed nor readable nor restorable;
   * 'unknown': absent from the listing, not checked further (run with --fix to try a restore).
   */
  state?: 'restored' | 'soft-deleted' | 'not-owned' | 'gone' | 'unknown';
  repaired: boolean;
}

export interface OrphanItem {
  clientId: string;
  objectId: string;
  displayName: string;
  uniqueName: string | null;
  /** Adopted (orphansAdoptable, when fixed): the Gatehouse app it now belongs to. */
  appId?: string;
  /** 'linked': registration attached to an existing app; 'recreated': the app row was re-created from the IdP. */
  adoption?: 'linked' | 'recreated';
  /** Why it is only reported (orphans), or why adoption was not possible. */
  reason?: string;
  repaired: boolean;
}

export interface ReconcileDrift {
  credentialsAdded: CredentialDriftItem[];
  credentialsRemoved: CredentialDriftItem[];
  credentialsChanged: CredentialDriftItem[];
  credentialsLingering: CredentialDriftItem[];
  appsChanged: AppDriftItem[];
  appsMissing: AppDriftItem[];
  orphansAdoptable: OrphanItem[];
  orphans: OrphanItem[];
}

/** A repair (or a check) that failed; the run goes on and the next run tries again. */
export interface ReconcileError {
  kind: DriftKind;
  target: string;
  code: string;
  message: string;
}

export interface ReconcileReport {
  providerId: string;
  fix: boolean;
  startedAt: number;
  finishedAt: number;
  /** Set when the provider cannot be reconciled (e.g. `local`, or an adapter without listOwnedClients). */
  skipped: string | null;
  scanned: { idpClients: number; idpCredentials: number; storeApps: number; storeCredentials: number };
  /** How many of each kind were found (complete, even when the item lists are truncated). */
  counts: Record<DriftKind, number>;
  /** How many of each kind this run repaired. */
  repaired: Record<DriftKind, number>;
  drift: ReconcileDrift;
  /** true when some item list was capped at `maxItems`. */
  truncated: boolean;
  errors: ReconcileError[];
}

export type ReconcilePhase = 'idp' | 'store' | 'compare' | 'fix' | 'done';

/** Progress of a run: `done` of `total` units of the current phase (total unknown while paging the IdP). */
export interface ReconcileProgress {
  phase: ReconcilePhase;
  done: number;
  total?: number;
}

export function emptyCounts(): Record<DriftKind, number> {
  return Object.fromEntries(Object.keys(DRIFT_KINDS).map((k) => [k, 0])) as Record<DriftKind, number>;
}

export function emptyDrift(): ReconcileDrift {
  return {
    credentialsAdded: [], credentialsRemoved: [], credentialsChanged: [], credentialsLingering: [],
    appsChanged: [], appsMissing: [], orphansAdoptable: [], orphans: [],
  };
}
