import type { KeyObject } from 'node:crypto';

/** A Graph JSON object as sent on the wire (property names exactly as Microsoft Graph spells them). */
export type GraphJson = Record<string, unknown>;

/** The verifier of one client secret; the secret itself is never kept. */
export interface StoredSecret {
  keyId: string;
  hash: string;
  startMs: number;
  endMs: number;
  /** Emulator time of addPassword: a replication delay is measured from here. */
  addedAtMs: number;
}

/** A certificate credential, parsed once so client assertions and proofs can be verified against it. */
export interface StoredCertificate {
  keyId: string;
  x5t: string;
  x5tS256: string;
  publicKey: KeyObject;
  startMs: number;
  endMs: number;
  usage: string;
  addedAtMs: number;
}

interface DirectoryObjectRecord {
  id: string;
  /** Full Graph representation (credentials carry no secret text). */
  body: GraphJson;
  owners: string[];
  createdAtMs: number;
  /** A PATCH keeps the previous body here so a stale-read fault can serve it for a while. */
  previous?: { body: GraphJson; changedAtMs: number };
  deletedAtMs?: number;
}

export interface ApplicationRecord extends DirectoryObjectRecord {
  kind: 'application';
  appId: string;
  secrets: StoredSecret[];
  certificates: StoredCertificate[];
}

export interface ServicePrincipalRecord extends DirectoryObjectRecord {
  kind: 'servicePrincipal';
  appId: string;
  /** Role grants where this SP is the resource (appRoleAssignedTo). */
  assignedTo: GraphJson[];
}

export type DirectoryRecord = ApplicationRecord | ServicePrincipalRecord;

/** tenantAppManagementPolicy restrictions the emulator enforces (passwordLifetime, passwordAddition). */
export interface AppManagementPolicy {
  id: string;
  isEnabled: boolean;
  passwordMaxLifetimeMs?: number;
  passwordAdditionBlocked?: boolean;
  /** ISO duration as Graph shows it, kept for GET /policies/defaultAppManagementPolicy. */
  passwordMaxLifetime?: string;
}
