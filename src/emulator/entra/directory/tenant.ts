import type { AppManagementPolicy, ApplicationRecord, DirectoryRecord, GraphJson, ServicePrincipalRecord } from './model.ts';
import { GRAPH_APP_ID, GRAPH_RESOURCE_URI, MICROSOFT_TENANT_ID, graphAppRoles } from './graph-permissions.ts';
import { newGuid } from './secrets.ts';
import { servicePrincipalBody } from './service-principal-body.ts';

/** One sign-in at the token endpoint, success or failure; the beta reports are derived from these. */
export interface SignInRecord {
  id: string;
  createdAtMs: number;
  appId: string;
  servicePrincipalId: string | null;
  appDisplayName: string | null;
  resourceId: string | null;
  resourceAppId: string | null;
  resourceDisplayName: string | null;
  credentialKeyId: string | null;
  clientCredentialType: 'clientSecret' | 'clientAssertion' | 'certificate' | 'none';
  errorCode: number;
  failureReason: string | null;
}

/**
 * The tenant's Microsoft Entra ID licence. Sign-in logs and the sign-in activity reports need P1 or P2; a free
 * tenant gets 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant from them.
 */
export type TenantLicence = 'free' | 'P1' | 'P2';
export const TENANT_LICENCES: readonly TenantLicence[] = ['free', 'P1', 'P2'];

/** Everything one Entra tenant holds. Objects are looked up by object id; alternate keys are scanned. */
export class Tenant {
  readonly applications = new Map<string, ApplicationRecord>();
  readonly servicePrincipals = new Map<string, ServicePrincipalRecord>();
  readonly audits: GraphJson[] = [];
  readonly signIns: SignInRecord[] = [];
  policy: AppManagementPolicy = { id: '00000000-0000-0000-0000-000000000000', isEnabled: false };
  /** Premium by default, so the sandbox shows what sign-in reports enable; set 'free' to see the refusal. */
  licence: TenantLicence = 'P2';
  readonly graphServicePrincipalId: string;

  constructor(
    readonly id: string,
    readonly domain: string,
    readonly displayName: string,
    createdAtMs: number,
    graphServicePrincipalId: string = newGuid(),
  ) {
    this.graphServicePrincipalId = graphServicePrincipalId;
    const body = servicePrincipalBody({
      id: this.graphServicePrincipalId,
      appId: GRAPH_APP_ID,
      displayName: 'Microsoft Graph',
      appOwnerOrganizationId: MICROSOFT_TENANT_ID,
      createdDateTime: new Date(createdAtMs).toISOString(),
      appRoles: graphAppRoles(),
      servicePrincipalNames: [GRAPH_APP_ID, GRAPH_RESOURCE_URI, `${GRAPH_RESOURCE_URI}/`, 'https://canary.graph.microsoft.com'],
      signInAudience: 'AzureADMultipleOrgs',
    });
    this.servicePrincipals.set(this.graphServicePrincipalId, {
      kind: 'servicePrincipal', id: this.graphServicePrincipalId, appId: GRAPH_APP_ID, body, owners: [], createdAtMs: Number.NEGATIVE_INFINITY, assignedTo: [],
    });
  }

  graphServicePrincipal(): ServicePrincipalRecord {
    return this.servicePrincipals.get(this.graphServicePrincipalId)!;
  }

  application(id: string, includeDeleted = false): ApplicationRecord | undefined {
    const rec = this.applications.get(id);
    return rec && (includeDeleted || rec.deletedAtMs === undefined) ? rec : undefined;
  }

  applicationByAppId(appId: string): ApplicationRecord | undefined {
    for (const rec of this.applications.values()) if (rec.appId === appId && rec.deletedAtMs === undefined) return rec;
    return undefined;
  }

  applicationByUniqueName(uniqueName: string): ApplicationRecord | undefined {
    for (const rec of this.applications.values()) {
      if (rec.body.uniqueName === uniqueName && rec.deletedAtMs === undefined) return rec;
    }
    return undefined;
  }

  servicePrincipal(id: string, includeDeleted = false): ServicePrincipalRecord | undefined {
    const rec = this.servicePrincipals.get(id);
    return rec && (includeDeleted || rec.deletedAtMs === undefined) ? rec : undefined;
  }

  servicePrincipalByAppId(appId: string): ServicePrincipalRecord | undefined {
    for (const rec of this.servicePrincipals.values()) if (rec.appId === appId && rec.deletedAtMs === undefined) return rec;
    return undefined;
  }

  /** Any live or soft-deleted object by id (deletedItems and directoryObjects use this). */
  object(id: string): DirectoryRecord | undefined {
    return this.applications.get(id) ?? this.servicePrincipals.get(id);
  }

  liveObjects(): DirectoryRecord[] {
    return [...this.applications.values(), ...this.servicePrincipals.values()].filter((r) => r.deletedAtMs === undefined);
  }

  /** Resolves a token request's resource the way Entra does: by the resource SP's appId or its servicePrincipalNames. */
  resourceServicePrincipal(identifier: string): ServicePrincipalRecord | undefined {
    const wanted = identifier.replace(/\/$/, '').toLowerCase();
    for (const sp of this.servicePrincipals.values()) {
      if (sp.deletedAtMs !== undefined) continue;
      if (sp.appId.toLowerCase() === wanted) return sp;
      const names = [...(sp.body.servicePrincipalNames as string[]), ...this.identifierUrisOf(sp.appId)];
      if (names.some((n) => n.replace(/\/$/, '').toLowerCase() === wanted)) return sp;
    }
    return undefined;
  }

  private identifierUrisOf(appId: string): string[] {
    return (this.applicationByAppId(appId)?.body.identifierUris as string[] | undefined) ?? [];
  }
}
