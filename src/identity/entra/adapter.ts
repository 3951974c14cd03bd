import type { Application, AppRole, KeyCredential, PasswordCredential, ServicePrincipal } from '@microsoft/microsoft-graph-types';
import { X509Certificate } from 'node:crypto';
import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { Clock } from '../../core/clock.ts';
import { systemClock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import type {
  AddCertificateInput, AddSecretInput, AppRoleAssignment, AppRoleGrant, AppRoleGrants, CheckReport, ClientRegistration, CredentialActivity, CredentialMetadata,
  EnsureResourceAppInput, EnsureResourceAppResult, GrantAppRoleInput, IdentityCapabilities, IdentityProvider, IdpWrite,
  IssuedSecret, ListCredentialActivityRequest, ListOwnedClientsRequest, OwnedClientsPage, PrincipalResult, ResourceApp, TokenIssuers,
  UpsertClientInput, UpsertClientResult,
} from '../../core/ports/identity.ts';
import type { RetryPolicy } from './backoff.ts';
import type { EntraEndpoints, EntraPlatformCredential, EntraProviderConfig } from './config.ts';
import { deriveEntraEndpoints } from './config.ts';
import { runEntraCheck } from './doctor.ts';
import { signInReportRefused, type ErrorContext } from './errors.ts';
import { createGraphClient, type GraphClient, type GraphResponse } from './graph-client.ts';
import { createTokenSource, type GraphToken, type TokenSource } from './token-source.ts';
import { createDispatcher } from './transport.ts';
import type { Dispatcher } from 'undici';

/** Graph app roles (application permissions) the adapter cares about. */
export const GRAPH_PERMISSION = {
  ownedBy: 'Application.ReadWrite.OwnedBy',
  readWriteAll: 'Application.ReadWrite.All',
  appRoleAssignment: 'AppRoleAssignment.ReadWrite.All',
  applicationReadAll: 'Application.Read.All',
  /** Optional: Entra's sign-in reports (with Entra ID P1/P2), for each credential's last use. */
  auditLogReadAll: 'AuditLog.Read.All',
} as const;

export interface EntraAdapterOptions {
  config: EntraProviderConfig;
  credential: EntraPlatformCredential;
  /** Name used in hints ("run `gatehouse provider update <label>`"). */
  providerLabel: string;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: Parameters<typeof createGraphClient>[0]['onRetry'];
}

const SELECT_APP = '$select=id,appId,displayName,uniqueName,deletedDateTime';
/** Graph's reporting APIs allow 5 requests per 10 s per app and tenant: page through a report no faster. */
export const REPORT_PAGE_INTERVAL_MS = 2_000;
const UNIQUE_NAME = /^[A-Za-z0-9._-]{1,120}$/;

/** The Entra ID adapter: Microsoft Graph for the directory, the STS (through MSAL) for the platform's own token. */
export class EntraIdentityProvider implements IdentityProvider {
  readonly kind = 'entra' as const;
  readonly endpoints: EntraEndpoints;
  readonly graph: GraphClient;
  private readonly tokens: TokenSource;
  private readonly dispatcher: Dispatcher;
  private readonly clock: Clock;
  private readonly errorContext: ErrorContext;
  private lastToken: GraphToken | null = null;

  constructor(private readonly options: EntraAdapterOptions) {
    const { config } = options;
    this.endpoints = deriveEntraEndpoints(config);
    this.clock = options.clock ?? systemClock;
    this.dispatcher = createDispatcher(config.caCertPem);
    this.errorContext = {
      providerLabel: options.providerLabel, clientId: config.clientId, tenant: config.tenantId, authorityHost: this.endpoints.authorityHost,
    };
    this.tokens = createTokenSource({
      endpoints: this.endpoints, clientId: config.clientId, credential: options.credential,
      dispatcher: this.dispatcher, errorContext: this.errorContext,
    });
    this.graph = createGraphClient({
      baseUrl: this.endpoints.graphBaseUrl,
      getToken: async (force) => (await this.token(force)).accessToken,
      dispatcher: this.dispatcher,
      errorContext: this.errorContext,
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      clock: this.clock,
    });
  }

  get capabilities(): IdentityCapabilities {
    const roles = this.lastToken?.roles ?? [];
    return {
      registersClients: true, softDelete: true, restore: true, secrets: true, certificates: true,
      listOwnedClients: true, readCredentials: true, resourceApps: true,
      appRoles: roles.includes(GRAPH_PERMISSION.appRoleAssignment),
    };
  }

  async loadCapabilities(): Promise<IdentityCapabilities> {
    await this.token();
    return this.capabilities;
  }

  /** The platform token (cached); also how the adapter learns its Graph permissions. */
  async token(forceRefresh = false): Promise<GraphToken> {
    const t = await this.tokens.getToken(forceRefresh);
    this.lastToken = t;
    return t;
  }

  get platformCredential(): EntraPlatformCredential {
    return this.options.credential;
  }

  get config(): EntraProviderConfig {
    return this.options.config;
  }

  get transport(): Dispatcher {
    return this.dispatcher;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async upsertClient(input: UpsertClientInput): Promise<UpsertClientResult> {
    const app = await this.upsertApplication(input.uniqueName, {
      displayName: input.displayName,
      ...(input.description !== undefined ? { description: input.description } : {}),
      signInAudience: 'AzureADMyOrg', // other audiences cost 60 writes/min in Graph's throttling
      tags: input.tags ?? [],
    }, 'register the client application');
    return { registration: toRegistration(app.body, null), created: app.created };
  }

  async ensureClientPrincipal(clientId: string): Promise<PrincipalResult> {
    const res = await this.graph.request<ServicePrincipal>({
      method: 'POST', path: '/servicePrincipals', body: { appId: clientId, tags: ['gatehouse'] },
      operation: 'create the service principal', awaitConsistency: true, accept: [409],
    });
    if (res.status !== 409) return { principalId: res.body.id!, created: true };
    const existing = await this.graph.request<ServicePrincipal>({
      method: 'GET', path: `/servicePrincipals(appId='${clientId}')?$select=id`, operation: 'read the service principal', awaitConsistency: true,
    });
    return { principalId: existing.body.id!, created: false };
  }

  async getClient(objectId: string): Promise<ClientRegistration | null> {
    const res = await this.graph.request<Application>({
      method: 'GET', path: `/applications/${guid(objectId)}?${SELECT_APP}`, operation: 'read the client application', accept: [404],
    });
    return res.status === 404 ? null : toRegistration(res.body, null);
  }

  async deleteClient(objectId: string): Promise<void> {
    await this.graph.request({ method: 'DELETE', path: `/applications/${guid(objectId)}`, operation: 'delete the client application', accept: [404] });
  }

  async restoreClient(objectId: string): Promise<ClientRegistration> {
    const res = await this.graph.request<Application>({
      method: 'POST', path: `/directory/deletedItems/${guid(objectId)}/restore`, operation: 'restore the client application',
    });
    return toRegistration(res.body, null);
  }

  async purgeClient(objectId: string): Promise<void> {
    const res = await this.graph.request({
      method: 'DELETE', path: `/directory/deletedItems/${guid(objectId)}`, operation: 'permanently delete the client application',
      accept: [404], awaitConsistency: false,
    });
    if (res.status === 404 && (await this.getClient(objectId))) {
      throw new GatehouseError('CONFLICT', 'The application is not deleted yet, so it cannot be purged; delete it first.',
        { idpCode: 'NotSoftDeleted', hint: 'Delete the app (soft delete) before purging it.' });
    }
  }

  async addSecret(objectId: string, input: AddSecretInput): Promise<IssuedSecret> {
    if (!(input.expiresAt > this.clock.now())) throw new GatehouseError('VALIDATION_FAILED', 'A secret must expire in the future.');
    const res = await this.graph.request<PasswordCredential>({
      method: 'POST', path: `/applications/${guid(objectId)}/addPassword`, operation: 'add a client secret', awaitConsistency: true,
      body: { passwordCredential: {
        displayName: input.displayName,
        endDateTime: new Date(input.expiresAt).toISOString(),
        ...(input.startsAt ? { startDateTime: new Date(input.startsAt).toISOString() } : {}),
      } },
    });
    const p = res.body;
    if (res.attempts > 1) await this.removeDuplicateSecrets(objectId, input.displayName, p.keyId!);
    return {
      keyId: p.keyId!, secret: p.secretText!, hint: p.hint ?? p.secretText!.slice(0, 3),
      createdAt: p.startDateTime ? Date.parse(p.startDateTime) : this.clock.now(),
      expiresAt: p.endDateTime ? Date.parse(p.endDateTime) : input.expiresAt,
    };
  }

  /**
   * A retried addPassword may have succeeded more than once (the first answer was lost). Secrets nobody received
   * are removed, recognised by the label the caller made unique for this request.
   */
  async removeDuplicateSecrets(objectId: string, displayName: string, keepKeyId: string | null): Promise<string[]> {
    const creds = await this.readCredentials(objectId);
    const extra = creds.filter((c) => c.kind === 'secret' && c.displayName === displayName && c.keyId !== keepKeyId);
    for (const c of extra) await this.removeSecret(objectId, c.keyId);
    return extra.map((c) => c.keyId);
  }

  async removeSecret(objectId: string, keyId: string): Promise<void> {
    await this.graph.request({
      method: 'POST', path: `/applications/${guid(objectId)}/removePassword`, body: { keyId: guid(keyId) },
      operation: 'remove a client secret', accept: [404],
    });
  }

  async addCertificate(objectId: string, input: AddCertificateInput): Promise<CredentialMetadata> {
    const der = certificateDer(input.certificate);
    const current = await this.keyCredentials(objectId);
    const cert = new X509Certificate(der);
    const added: KeyCredential = {
      type: 'AsymmetricX509Cert', usage: 'Verify', key: der.toString('base64'), displayName: input.displayName,
    } as KeyCredential;
    await this.graph.request({
      method: 'PATCH', path: `/applications/${guid(objectId)}`, operation: 'add a certificate', awaitConsistency: true,
      body: { keyCredentials: [...current, added] },
    });
    const after = await this.readCredentials(objectId);
    const mine = after.find((c) => c.kind === 'certificate' && c.displayName === input.displayName
      && c.expiresAt === Date.parse(cert.validTo));
    return mine ?? { kind: 'certificate', keyId: '', hint: null, displayName: input.displayName,
      startsAt: Date.parse(cert.validFrom), expiresAt: Date.parse(cert.validTo) };
  }

  async removeCertificate(objectId: string, keyId: string): Promise<void> {
    const current = await this.keyCredentials(objectId);
    if (!current.some((k) => k.keyId === keyId)) return;
    await this.graph.request({
      method: 'PATCH', path: `/applications/${guid(objectId)}`, operation: 'remove a certificate',
      body: { keyCredentials: current.filter((k) => k.keyId !== keyId) },
    });
  }

  private async keyCredentials(objectId: string): Promise<KeyCredential[]> {
    const res = await this.graph.request<Application>({
      method: 'GET', path: `/applications/${guid(objectId)}?$select=keyCredentials`, operation: 'read certificates', awaitConsistency: true,
    });
    return res.body.keyCredentials ?? [];
  }

  async readCredentials(objectId: string): Promise<CredentialMetadata[]> {
    const res = await this.graph.request<Application>({
      method: 'GET', path: `/applications/${guid(objectId)}?$select=passwordCredentials,keyCredentials`,
      operation: 'read credentials', awaitConsistency: true,
    });
    return credentialsOf(res.body);
  }

  async listOwnedClients(request: ListOwnedClientsRequest = {}): Promise<OwnedClientsPage> {
    let path = request.cursor ?? null;
    if (!path) {
      const me = (await this.token()).principalId;
      if (!me) throw new GatehouseError('IDP_REJECTED', 'The platform token carries no oid.', { idpCode: 'NoOid', hint: 'Use an app-only token.' });
      const top = Math.min(999, Math.max(1, request.limit ?? 100));
      path = `/servicePrincipals/${me}/ownedObjects/microsoft.graph.application?${SELECT_APP}&$top=${top}`;
    }
    const res = await this.graph.request<{ value: (Application & { '@odata.type'?: string })[]; '@odata.nextLink'?: string }>({
      method: 'GET', path, operation: 'list owned applications',
    });
    const items = res.body.value
      .filter((o) => !o['@odata.type'] || o['@odata.type'] === '#microsoft.graph.application')
      .map((o) => toRegistration(o, null));
    return { items, nextCursor: res.body['@odata.nextLink'] ?? null };
  }

  /**
   * beta `GET /reports/appCredentialSignInActivities`, every page (paced for the reporting throttle). 403s become
   * IDP_FEATURE_UNAVAILABLE (no P1/P2) or IDP_PERMISSION_MISSING (no AuditLog.Read.All); see signInReportRefused.
   */
  async listCredentialActivity(request: ListCredentialActivityRequest = {}): Promise<CredentialActivity[]> {
    const operation = 'read the credential sign-in activity report';
    const top = request.pageSize ? `?$top=${Math.min(999, Math.max(1, Math.floor(request.pageSize)))}` : '';
    let path: string | null = `${this.endpoints.graphBetaBaseUrl}/reports/appCredentialSignInActivities${top}`;
    const seen = new Set<string>();
    const out: CredentialActivity[] = [];
    while (path && !seen.has(path)) {
      if (seen.size > 0) await this.pause(REPORT_PAGE_INTERVAL_MS);
      seen.add(path);
      const page: ReportPage = await this.readReportPage(path, operation);
      for (const record of page.value ?? []) {
        const activity = toCredentialActivity(record);
        if (activity) out.push(activity);
      }
      path = page['@odata.nextLink'] ?? null;
    }
    return out;
  }

  /** One filtered read of the report (the platform app's own credentials): whether the tenant and permission allow it. */
  async probeCredentialActivity(): Promise<void> {
    const filter = encodeURIComponent(`appId eq '${guid(this.config.clientId)}'`);
    await this.readReportPage(`${this.endpoints.graphBetaBaseUrl}/reports/appCredentialSignInActivities?$filter=${filter}`,
      'read the credential sign-in activity report');
  }

  private async readReportPage(path: string, operation: string): Promise<ReportPage> {
    const res: GraphResponse<ReportPage> = await this.graph.request<ReportPage>({ method: 'GET', path, operation, accept: [403] });
    if (res.status === 403) throw signInReportRefused(res.body?.error?.code ?? '', this.errorContext, operation);
    return res.body;
  }

  private pause(ms: number): Promise<void> {
    return this.options.sleep ? this.options.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }

  async ensureResourceApp(input: EnsureResourceAppInput): Promise<EnsureResourceAppResult> {
    const writes: IdpWrite[] = [];
    const desiredRoles: AppRole[] = input.roles.map((r) => ({
      id: r.id, value: r.value, displayName: r.displayName, description: r.description ?? r.displayName,
      allowedMemberTypes: ['Application'], isEnabled: true,
    }));
    const upsert = await this.upsertApplication(input.uniqueName, {
      displayName: input.displayName, signInAudience: 'AzureADMyOrg', tags: ['gatehouse', 'gatehouse:resource'],
    }, 'create the resource application');
    const app = upsert.body;
    writes.push({ activity: upsert.created ? ENTRA_ACTIVITY.createApplication : ENTRA_ACTIVITY.updateApplication, targetId: app.id!, detail: { uniqueName: input.uniqueName } });

    const current = upsert.created ? { identifierUris: [] as string[], appRoles: [] as AppRole[], api: null } : (await this.graph.request<Application>({
      method: 'GET', path: `/applications/${app.id}?$select=identifierUris,appRoles,api`, operation: 'read the resource application', awaitConsistency: true,
    })).body;
    const identifierUri = current.identifierUris?.[0] ?? `api://${app.appId}`;
    const currentRoles = current.appRoles ?? [];
    // Graph refuses to remove an enabled role: disable it first, remove it in the next write.
    const stale = currentRoles.filter((r) => !desiredRoles.some((d) => d.id === r.id));
    const staleEnabled = stale.filter((r) => r.isEnabled);
    if (staleEnabled.length) {
      await this.patchApp(app.id!, { appRoles: [...desiredRoles, ...stale.map((r) => ({ ...r, isEnabled: false }))] }, 'disable removed API roles');
      writes.push({ activity: ENTRA_ACTIVITY.updateApplication, targetId: app.id!, detail: { disabledRoles: staleEnabled.map((r) => r.value) } });
    }
    const needs = {
      uri: !(current.identifierUris ?? []).includes(identifierUri),
      version: current.api?.requestedAccessTokenVersion !== 2,
      roles: !sameRoles(currentRoles, desiredRoles),
    };
    if (needs.uri || needs.version || needs.roles) {
      // identifierUris can only name the appId after Graph generated it, hence a PATCH after the create.
      await this.patchApp(app.id!, {
        identifierUris: [identifierUri],
        api: { requestedAccessTokenVersion: 2 },
        appRoles: desiredRoles,
      }, 'configure the resource application');
      writes.push({ activity: ENTRA_ACTIVITY.updateApplication, targetId: app.id!, detail: { identifierUri, requestedAccessTokenVersion: 2, roles: desiredRoles.map((r) => r.value) } });
    }
    const sp = await this.ensureClientPrincipal(app.appId!);
    if (sp.created) writes.push({ activity: ENTRA_ACTIVITY.addServicePrincipal, targetId: sp.principalId, detail: { appId: app.appId } });
    const requireRoleAssignment = input.requireRoleAssignment && this.capabilities.appRoles;
    const spState = await this.graph.request<ServicePrincipal>({
      method: 'GET', path: `/servicePrincipals/${sp.principalId}?$select=id,appRoleAssignmentRequired`, operation: 'read the resource service principal', awaitConsistency: true,
    });
    if (Boolean(spState.body.appRoleAssignmentRequired) !== requireRoleAssignment) {
      await this.graph.request({
        method: 'PATCH', path: `/servicePrincipals/${sp.principalId}`, body: { appRoleAssignmentRequired: requireRoleAssignment },
        operation: 'set appRoleAssignmentRequired on the resource service principal', awaitConsistency: true,
      });
      writes.push({ activity: 'Update service principal', targetId: sp.principalId, detail: { appRoleAssignmentRequired: requireRoleAssignment } });
    }
    const resourceApp: ResourceApp = {
      clientId: app.appId!, objectId: app.id!, identifierUri, principalId: sp.principalId, roles: input.roles, requireRoleAssignment,
    };
    return { resourceApp, writes };
  }

  async grantAppRole(input: GrantAppRoleInput): Promise<AppRoleGrant> {
    this.requireAppRoles();
    const resourceSp = guid(input.resourceApp.principalId);
    const res = await this.graph.request<{ id: string }>({
      method: 'POST', path: `/servicePrincipals/${resourceSp}/appRoleAssignedTo`, operation: 'grant an app role', awaitConsistency: true,
      body: { principalId: guid(input.principalId), resourceId: resourceSp, appRoleId: guid(input.roleId) },
      accept: [400, 409],
    });
    if (res.status === 201 || res.status === 200) return { assignmentId: res.body.id, created: true };
    // "Permission being assigned already exists on the object" carries only a generic code, so look it up.
    const list = await this.graph.request<{ value: { id: string; principalId: string; appRoleId: string }[] }>({
      method: 'GET', path: `/servicePrincipals/${resourceSp}/appRoleAssignedTo?$top=999`, operation: 'read app role assignments',
    });
    const found = list.body.value.find((a) => a.principalId === input.principalId && a.appRoleId === input.roleId);
    if (!found) {
      throw new GatehouseError('IDP_REJECTED', 'Microsoft Graph refused to grant the app role.',
        { idpCode: 'Request_BadRequest', hint: 'Check that the role exists and is enabled on the resource application (re-run its setup).', idpStatus: res.status });
    }
    return { assignmentId: found.id, created: false };
  }

  async revokeAppRole(resourceApp: ResourceApp, assignmentId: string): Promise<void> {
    this.requireAppRoles();
    await this.graph.request({
      method: 'DELETE', path: `/servicePrincipals/${guid(resourceApp.principalId)}/appRoleAssignedTo/${encodeURIComponent(assignmentId)}`,
      operation: 'revoke an app role', accept: [404],
    });
  }

  /** The client's own assignments (`appRoleAssignments` of its service principal) narrowed to the resource app. */
  async listAppRoleGrants(resourceApp: ResourceApp, clientId: string): Promise<AppRoleGrants> {
    const sp = await this.graph.request<ServicePrincipal>({
      method: 'GET', path: `/servicePrincipals(appId='${guid(clientId)}')?$select=id`, operation: 'read the service principal', accept: [404],
    });
    if (sp.status === 404) return { principalId: null, grants: [] };
    const principalId = sp.body.id!;
    const grants: AppRoleAssignment[] = [];
    let path: string | null = `/servicePrincipals/${guid(principalId)}/appRoleAssignments?$top=999`;
    while (path) {
      const page: { body: { value: { id: string; resourceId: string; appRoleId: string }[]; '@odata.nextLink'?: string } } = await this.graph.request({
        method: 'GET', path, operation: 'read app role assignments',
      });
      for (const a of page.body.value) {
        if (a.resourceId === resourceApp.principalId) grants.push({ assignmentId: a.id, roleId: a.appRoleId });
      }
      path = page.body['@odata.nextLink'] ?? null;
    }
    return { principalId, grants };
  }

  describeTokenIssuers(resourceApp: ResourceApp | null): TokenIssuers {
    const e = this.endpoints;
    if (!e.issuerV1 || !e.issuerV2) {
      throw new GatehouseError('VALIDATION_FAILED',
        `The provider's tenant is a domain (${e.tenant}); issuers need the tenant GUID. Run \`gatehouse provider doctor\` to resolve it.`);
    }
    return {
      issuers: [
        { issuer: e.issuerV2, jwksUri: e.jwksV2, version: '2.0' },
        { issuer: e.issuerV1, jwksUri: e.jwksV1, version: '1.0' },
      ],
      audiences: resourceApp ? [resourceApp.clientId, resourceApp.identifierUri] : [],
      clientIdClaims: ['azp', 'appid'],
      tenantId: e.tenant,
      scope: resourceApp ? `${resourceApp.identifierUri}/.default` : null,
      tokenEndpoint: e.tokenEndpoint,
    };
  }

  check(): Promise<CheckReport> {
    return runEntraCheck(this, this.clock);
  }

  private requireAppRoles(): void {
    if (!this.capabilities.appRoles) {
      throw new GatehouseError('IDP_REJECTED', 'This provider cannot grant app roles.', {
        idpCode: 'NOT_SUPPORTED',
        hint: 'Grant the platform app the Microsoft Graph application permissions AppRoleAssignment.ReadWrite.All and Application.Read.All (with admin consent) to let Entra itself refuse tokens to clients without a contract.',
      });
    }
  }

  private async patchApp(objectId: string, body: Partial<Application>, operation: string): Promise<void> {
    await this.graph.request({ method: 'PATCH', path: `/applications/${objectId}`, body, operation, awaitConsistency: true });
  }

  /** `PATCH /applications(uniqueName='…')` + `Prefer: create-if-missing`: 201 with the new app, or 204 (existed). */
  private async upsertApplication(uniqueName: string, body: Partial<Application>, operation: string): Promise<{ body: Application; created: boolean }> {
    if (!UNIQUE_NAME.test(uniqueName)) throw new GatehouseError('VALIDATION_FAILED', `Invalid uniqueName ${JSON.stringify(uniqueName)}.`);
    const path = `/applications(uniqueName='${uniqueName}')`;
    const res = await this.graph.request<Application>({
      method: 'PATCH', path, body, headers: { prefer: 'create-if-missing' }, operation,
    });
    if (res.status === 201 && res.body?.appId) return { body: res.body, created: true };
    const read = await this.graph.request<Application>({ method: 'GET', path: `${path}?${SELECT_APP}`, operation, awaitConsistency: true });
    return { body: read.body, created: res.status === 201 };
  }
}

function toRegistration(app: Application, principalId: string | null): ClientRegistration {
  return {
    clientId: app.appId!, objectId: app.id!, uniqueName: (app as { uniqueName?: string }).uniqueName ?? null,
    displayName: app.displayName ?? '', principalId,
    deletedAt: app.deletedDateTime ? Date.parse(app.deletedDateTime) : null,
  };
}

export function credentialsOf(app: Application): CredentialMetadata[] {
  const time = (s: string | null | undefined) => (s ? Date.parse(s) : null);
  return [
    ...(app.passwordCredentials ?? []).map((p): CredentialMetadata => ({
      kind: 'secret', keyId: p.keyId!, hint: p.hint ?? null, displayName: p.displayName ?? null,
      startsAt: time(p.startDateTime), expiresAt: time(p.endDateTime),
    })),
    ...(app.keyCredentials ?? []).map((k): CredentialMetadata => ({
      kind: 'certificate', keyId: k.keyId!, hint: null, displayName: k.displayName ?? null,
      startsAt: time(k.startDateTime), expiresAt: time(k.endDateTime),
    })),
  ];
}

/** beta appCredentialSignInActivity (not in the v1.0 Graph types). */
interface AppCredentialSignInActivity {
  keyId?: string;
  appId?: string;
  keyType?: string;
  signInActivity?: {
    lastSignInDateTime?: string | null;
    lastSuccessfulSignInDateTime?: string | null;
    lastNonInteractiveSignInDateTime?: string | null;
  } | null;
}

interface ReportPage {
  value?: AppCredentialSignInActivity[];
  '@odata.nextLink'?: string;
  error?: { code?: string };
}

/**
 * Only successful sign-ins count as use where the report tells them apart (a client still trying an expired secret
 * is not using it); otherwise the last sign-in of any kind.
 */
function toCredentialActivity(r: AppCredentialSignInActivity): CredentialActivity | null {
  if (typeof r.keyId !== 'string' || typeof r.appId !== 'string') return null;
  const kind = r.keyType === 'clientSecret' ? 'secret' : r.keyType === 'certificate' ? 'certificate' : null;
  if (!kind) return null;
  const a = r.signInActivity ?? {};
  const when = 'lastSuccessfulSignInDateTime' in a ? a.lastSuccessfulSignInDateTime : a.lastSignInDateTime ?? a.lastNonInteractiveSignInDateTime;
  const ms = when ? Date.parse(when) : NaN;
  return { keyId: r.keyId.toLowerCase(), clientId: r.appId, kind, lastSignInAt: Number.isFinite(ms) ? ms : null };
}

function sameRoles(a: AppRole[], b: AppRole[]): boolean {
  const key = (r: AppRole) => `${r.id}|${r.value}|${r.displayName}|${r.isEnabled}`;
  return a.length === b.length && a.map(key).sort().join() === b.map(key).sort().join();
}

/** Ids go into URL paths; anything but a GUID is refused before it can change the path. */
function guid(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new GatehouseError('VALIDATION_FAILED', `Not a directory object id: ${JSON.stringify(id).slice(0, 60)}.`);
  }
  return id;
}

function certificateDer(cert: string): Buffer {
  const b64 = cert.includes('-----BEGIN CERTIFICATE-----')
    ? cert.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '')
    : cert.replace(/\s+/g, '');
  try {
    const der = Buffer.from(b64, 'base64');
    new X509Certificate(der);
    return der;
  } catch {
    throw new GatehouseError('VALIDATION_FAILED', 'The certificate is not a valid X.509 certificate (PEM or base64 DER).');
  }
}
