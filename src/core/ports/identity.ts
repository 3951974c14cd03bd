/**
 * The identity-provider port: what Gatehouse needs from the place where client credentials live
 * (Microsoft Entra ID, an OpenID provider with RFC 7591/7592 DCR, or Gatehouse itself for `local`).
 *
 * Adapters: src/identity/entra (Graph + STS), src/identity/local. Every adapter passes the shared suite in
 * src/identity/contract-suite.ts against its real counterpart (the Entra emulator for `entra`).
 *
 * Rules every adapter keeps:
 * - Operations an adapter cannot perform are declared in `capabilities`; calling one anyway throws
 *   GatehouseError('IDP_REJECTED', …, { idpCode: 'NOT_SUPPORTED' }). Callers check capabilities first.
 * - Writes are idempotent where the IdP allows it: `upsertClient` is keyed by `uniqueName`, deletes of something
 *   already gone succeed, granting an existing role succeeds. So a durable job can simply repeat a step after a crash.
 * - Failures are GatehouseErrors with stable codes: `IDP_REJECTED` (the IdP said no; retrying will not help) or
 *   `IDP_UNAVAILABLE` (throttled, down or not yet consistent after the adapter's own bounded retries; retry later).
 *   Both carry `extras.idpCode` (e.g. 'AADSTS7000222', 'Authorization_RequestDenied', 'NoBackingApplicationObject')
 *   and `extras.hint`, a sentence an administrator can act on. Neither ever contains a secret.
 * - Secrets come back exactly once (from `addSecret`); the adapter keeps no copy.
 * - Times are epoch milliseconds.
 */

/** What an adapter can do. Static facts of the kind, except where noted as depending on granted permissions. */
export interface IdentityCapabilities {
  /** Creates client registrations in the IdP (false for `local`: Gatehouse itself is the registry). */
  registersClients: boolean;
  /** Supports `deleteClient` as a restorable soft delete followed by `purgeClient`. */
  softDelete: boolean;
  /** Supports `restoreClient` of a soft-deleted client. */
  restore: boolean;
  secrets: boolean;
  certificates: boolean;
  /** Supports `listOwnedClients` (used by the reconciler to find orphans and import). */
  listOwnedClients: boolean;
  /** Supports `readCredentials` (credential metadata as the IdP sees it, incl. ones added behind our back). */
  readCredentials: boolean;
  /** Supports `ensureResourceApp`: a per-environment token audience owned by Gatehouse. */
  resourceApps: boolean;
  /**
   * Supports `grantAppRole`/`revokeAppRole`. For Entra this depends on the platform app holding
   * AppRoleAssignment.ReadWrite.All; adapters report the value learnt from the last `check()` or token
   * (false until known).
   */
  appRoles: boolean;
}

/** A client's registration as the IdP knows it. */
export interface ClientRegistration {
  /** The client id tokens carry (Entra: appId; `appid`/`azp` claim). */
  clientId: string;
  /** The IdP's object id for the registration (Entra: application object id). */
  objectId: string;
  /** The alternate key Gatehouse derived from its own app id (Entra: `uniqueName`), null for imported clients. */
  uniqueName: string | null;
  displayName: string;
  /** The client's principal in the tenant (Entra: service principal id), null until created. */
  principalId: string | null;
  /** When the IdP soft-deleted it; null while active. */
  deletedAt: number | null;
}

export interface UpsertClientInput {
  /** Stable key derived from the Gatehouse app id, e.g. `gh-app_01…`. Repeating the call never duplicates. */
  uniqueName: string;
  displayName: string;
  description?: string;
  /** Free-form labels stored in the IdP (Entra: `tags`), e.g. the environment id, for humans and the reconciler. */
  tags?: string[];
}

export interface UpsertClientResult {
  registration: ClientRegistration;
  /** true when this call created the registration, false when it already existed (and was updated). */
  created: boolean;
}

export interface PrincipalResult {
  principalId: string;
  created: boolean;
}

/** A secret the IdP just issued. `secret` exists only in this object; nothing keeps it afterwards. */
export interface IssuedSecret {
  keyId: string;
  secret: string;
  /** First characters of the secret, as the IdP shows them (Entra: 3). */
  hint: string;
  createdAt: number;
  expiresAt: number;
}

export interface AddSecretInput {
  /** Label stored with the credential in the IdP; Gatehouse puts its job/credential id here to find its own later. */
  displayName: string;
  /** Explicit expiry. Entra defaults to two years when omitted, so the port makes it mandatory. */
  expiresAt: number;
  startsAt?: number;
}

export interface AddCertificateInput {
  displayName: string;
  /** The public certificate, PEM or base64 DER. */
  certificate: string;
}

/** Metadata of one credential as the IdP reports it. */
export interface CredentialMetadata {
  kind: 'secret' | 'certificate';
  keyId: string;
  hint: string | null;
  displayName: string | null;
  startsAt: number | null;
  expiresAt: number | null;
}

export interface ListOwnedClientsRequest {
  /** Opaque cursor from the previous page (Entra: the `@odata.nextLink`). */
  cursor?: string | null;
  /** Page size hint, 1..999. */
  limit?: number;
}

export interface OwnedClientsPage {
  items: ClientRegistration[];
  nextCursor: string | null;
}

/** One API role on a resource app (Entra: an `appRole` with allowedMemberTypes ['Application']). */
export interface ResourceAppRole {
  /** Stable id (a GUID for Entra); derive it from the API id so repeated setup agrees. */
  id: string;
  /** The value tokens carry in `roles`. */
  value: string;
  displayName: string;
  description?: string;
}

export interface EnsureResourceAppInput {
  uniqueName: string;
  displayName: string;
  /** The complete desired set of roles; roles not listed are disabled and then removed. */
  roles: ResourceAppRole[];
  /** Ask the IdP to refuse tokens to clients without a role (Entra: appRoleAssignmentRequired). Needs `appRoles`. */
  requireRoleAssignment: boolean;
}

/** A per-environment token audience. Stored by the caller and handed back to `describeTokenIssuers`/`grantAppRole`. */
export interface ResourceApp {
  /** Entra: the application's appId (the v2 `aud`). */
  clientId: string;
  objectId: string;
  /** The identifier URI clients put in `scope={identifierUri}/.default` (and the v1 `aud`). */
  identifierUri: string;
  principalId: string;
  roles: ResourceAppRole[];
  requireRoleAssignment: boolean;
}

/** One write the adapter made in the IdP, so the caller can audit it (Entra: the directory-audit activity name). */
export interface IdpWrite {
  /** Activity name as the IdP's own audit log shows it (Entra: ENTRA_ACTIVITY values). */
  activity: string;
  /** Object written (Entra: object id). */
  targetId: string;
  /** What changed, without secrets. */
  detail: Record<string, unknown>;
}

export interface EnsureResourceAppResult {
  resourceApp: ResourceApp;
  /** Writes made by this call; empty when everything was already as desired. */
  writes: IdpWrite[];
}

export interface GrantAppRoleInput {
  resourceApp: ResourceApp;
  /** The client's principal id (Entra: service principal id of the client app). */
  principalId: string;
  roleId: string;
}

/** The assignment the IdP made; `assignmentId` is needed to revoke it. */
export interface AppRoleGrant {
  assignmentId: string;
  created: boolean;
}

/** One app role a client's principal holds on a resource app. */
export interface AppRoleAssignment {
  assignmentId: string;
  roleId: string;
}

/** What `listAppRoleGrants` found: the client's principal (null when it has none yet) and its roles on the resource app. */
export interface AppRoleGrants {
  principalId: string | null;
  grants: AppRoleAssignment[];
}

/** One token issuer the gateway must accept. */
export interface TokenIssuer {
  /** Exact `iss` string. */
  issuer: string;
  jwksUri: string;
  /** Token version this issuer signs (Entra: '1.0' or '2.0'); null when the IdP has only one. */
  version: string | null;
}

/** Everything the gateway needs to validate tokens of one environment locally. */
export interface TokenIssuers {
  issuers: TokenIssuer[];
  /** Accepted `aud` values (Entra: resource appId and identifier URI). Empty when no resource app exists yet. */
  audiences: string[];
  /** Claims that carry the client id, in order of preference (Entra: ['azp', 'appid']). */
  clientIdClaims: string[];
  /** Tenant id the `tid` claim must equal, when the IdP has tenants. */
  tenantId: string | null;
  /** Scope a client requests in the client-credentials grant, when known (`{identifierUri}/.default`). */
  scope: string | null;
  tokenEndpoint: string | null;
}

/**
 * When the IdP last saw one credential used to sign in (Entra: beta `reports/appCredentialSignInActivities`).
 * Reports lag the sign-ins by minutes to hours, so this is evidence of use, never a live signal.
 */
export interface CredentialActivity {
  /** The credential's key id, as `CredentialMetadata.keyId`. */
  keyId: string;
  /** Client id of the registration that holds the credential (Entra: appId). */
  clientId: string;
  kind: 'secret' | 'certificate';
  /** Last sign-in with the credential; null when the report lists it without one. */
  lastSignInAt: number | null;
}

export interface ListCredentialActivityRequest {
  /** Page size hint; adapters may ignore it (Entra's report pages by itself). */
  pageSize?: number;
}

export type FindingSeverity = 'ok' | 'info' | 'warning' | 'error';

/** One line of a provider check ("doctor"). `hint` says what to do, in an administrator's words. */
export interface CheckFinding {
  /** Stable id of the check, e.g. 'token', 'permission.owned-by', 'graph', 'credential.expiry'. */
  check: string;
  severity: FindingSeverity;
  message: string;
  hint?: string;
  /** The IdP's own code, e.g. 'AADSTS7000222'. */
  idpCode?: string;
}

export interface CheckReport {
  /** false when any finding is an error. */
  healthy: boolean;
  findings: CheckFinding[];
  /** Permissions (Entra: app roles on Microsoft Graph) the platform credential's token carries. */
  permissions: string[];
  /** Expiry of the platform's own credential, when the IdP lets us read it. */
  credentialExpiresAt: number | null;
  checkedAt: number;
}

/**
 * One configured provider, ready to use. Instances are cheap to create from a Provider row
 * (src/identity/factory.ts) and hold a token cache; they hold no client secrets beyond the platform's own.
 */
export interface IdentityProvider {
  readonly kind: 'local' | 'entra' | 'oidc-dcr';
  readonly capabilities: IdentityCapabilities;
  /** Learns the permission-dependent capabilities (Entra: from the platform token's roles; cached token). */
  loadCapabilities(): Promise<IdentityCapabilities>;
  /**
   * Releases what the adapter holds open (Entra: its keep-alive connection pool), so a stopping process or a
   * replaced adapter leaves no sockets behind. Optional: adapters that hold nothing need not implement it.
   */
  close?(): Promise<void>;

  /** Creates or updates the client registration keyed by `uniqueName`. Does not create its principal. */
  upsertClient(input: UpsertClientInput): Promise<UpsertClientResult>;
  /**
   * Makes sure the client has a principal in the tenant (Entra: service principal; without it the STS refuses
   * tokens with AADSTS7000229). Existing → returned with created=false.
   */
  ensureClientPrincipal(clientId: string): Promise<PrincipalResult>;
  /** Reads one registration by object id, or null when absent (also null when soft-deleted). */
  getClient(objectId: string): Promise<ClientRegistration | null>;
  /** Soft-deletes the registration (restorable until purged). Absent → succeeds. */
  deleteClient(objectId: string): Promise<void>;
  /** Restores a soft-deleted registration. Optional: see `capabilities.restore`. */
  restoreClient?(objectId: string): Promise<ClientRegistration>;
  /** Permanently deletes a soft-deleted registration. Absent → succeeds. */
  purgeClient(objectId: string): Promise<void>;

  addSecret(objectId: string, input: AddSecretInput): Promise<IssuedSecret>;
  /** Removes a secret. Unknown keyId → succeeds (already gone). */
  removeSecret(objectId: string, keyId: string): Promise<void>;
  addCertificate(objectId: string, input: AddCertificateInput): Promise<CredentialMetadata>;
  removeCertificate(objectId: string, keyId: string): Promise<void>;
  /** Credential metadata of a registration, including credentials added outside Gatehouse. */
  readCredentials(objectId: string): Promise<CredentialMetadata[]>;

  /**
   * Last sign-in per credential across the tenant, as the IdP reports it (all pages). Optional: adapters without such
   * a report (local) lack it. Fails with IDP_PERMISSION_MISSING when the platform app lacks the permission to read it
   * (Entra: AuditLog.Read.All) and IDP_FEATURE_UNAVAILABLE when the tenant's licence does not include it (Entra ID
   * P1/P2); both carry `extras.hint`, and neither gets better by retrying soon.
   */
  listCredentialActivity?(request?: ListCredentialActivityRequest): Promise<CredentialActivity[]>;

  /** Registrations the platform credential owns, one page at a time. */
  listOwnedClients(request?: ListOwnedClientsRequest): Promise<OwnedClientsPage>;

  /** Creates or updates the per-environment resource app (token audience). Idempotent. */
  ensureResourceApp(input: EnsureResourceAppInput): Promise<EnsureResourceAppResult>;
  /** Assigns an API role to a client's principal (capability `appRoles`). Already assigned → succeeds. */
  grantAppRole(input: GrantAppRoleInput): Promise<AppRoleGrant>;
  /** Removes an assignment. Absent → succeeds. */
  revokeAppRole(resourceApp: ResourceApp, assignmentId: string): Promise<void>;
  /**
   * The roles a client (by client id) holds on the resource app, read from the IdP, so a job can find the
   * assignment to revoke without having recorded it. Optional: adapters without app roles may omit it.
   */
  listAppRoleGrants?(resourceApp: ResourceApp, clientId: string): Promise<AppRoleGrants>;

  /** Issuers, keys and audiences the gateway accepts for an environment; pure derivation, no network. */
  describeTokenIssuers(resourceApp: ResourceApp | null): TokenIssuers;

  /** Diagnoses the provider configuration end to end (`gatehouse provider doctor`). Never throws for IdP failures. */
  check(): Promise<CheckReport>;
}

/** Extras carried by IDP_REJECTED / IDP_UNAVAILABLE errors. */
export interface IdpErrorExtras {
  idpCode: string;
  hint: string;
  /** HTTP status the IdP answered with, when there was one. */
  idpStatus?: number;
  /** Seconds the IdP asked us to wait (429/503 Retry-After). */
  retryAfterSeconds?: number;
}
