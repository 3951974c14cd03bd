import type { EmulatorContext } from '../context.ts';
import type { Tenant } from '../directory/tenant.ts';
import type { Change } from '../directory/applications.ts';
import type { GraphJson } from '../directory/model.ts';
import { createApplication } from '../directory/applications.ts';
import { addPassword } from '../directory/credentials.ts';
import { assignAppRole, createServicePrincipal } from '../directory/service-principals.ts';
import { DirectoryError } from '../directory/errors.ts';
import { GRAPH_APP_ROLES, isKnownGraphPermission } from '../directory/graph-permissions.ts';

/** What an operator seeds directly, the way a tenant admin would in the portal (audited as an admin user). */
export interface SeedAppOptions {
  tenantId?: string;
  displayName?: string;
  /** Microsoft Graph application permissions, granted with admin consent. */
  permissions?: string[];
  /** Create a client secret (default true). */
  withSecret?: boolean;
  /** Create the service principal (default true). */
  servicePrincipal?: boolean;
  /** Make the app's SP an owner of its own application, so OwnedBy can rotate its own secret (default false). */
  ownsItself?: boolean;
  identifierUris?: string[];
  appRoles?: GraphJson[];
  requestedAccessTokenVersion?: 1 | 2 | null;
  appRoleAssignmentRequired?: boolean;
}

export interface SeededApp {
  tenantId: string;
  clientId: string;
  objectId: string;
  servicePrincipalId: string | null;
  clientSecret: string | null;
  secretKeyId: string | null;
  permissions: string[];
}

export function tenantOrThrow(ctx: EmulatorContext, tenantId: string | undefined): Tenant {
  const tenant = tenantId ? ctx.directory.resolve(tenantId) : ctx.directory.tenants.values().next().value;
  if (!tenant) throw new DirectoryError(404, 'TenantNotFound', `Tenant '${tenantId}' not found.`);
  return tenant;
}

export function adminChange(ctx: EmulatorContext, tenant: Tenant): Change {
  return { tenant, nowMs: ctx.clock.now(), actor: { admin: `admin@${tenant.domain}` } };
}

export function seedApp(ctx: EmulatorContext, options: SeedAppOptions = {}): SeededApp {
  const tenant = tenantOrThrow(ctx, options.tenantId);
  const change = adminChange(ctx, tenant);
  const app = createApplication(change, {
    displayName: options.displayName ?? 'Seeded app',
    ...(options.identifierUris ? { identifierUris: options.identifierUris } : {}),
    ...(options.appRoles ? { appRoles: options.appRoles } : {}),
    api: { requestedAccessTokenVersion: options.requestedAccessTokenVersion ?? null },
  });
  // Secrets are usable at once, whatever the replication fault says.
  const secret = options.withSecret === false ? null : addPassword(change, app, { passwordCredential: { displayName: 'seeded' } });
  const sp = options.servicePrincipal === false ? null : createServicePrincipal(change, app, options.appRoleAssignmentRequired ? { appRoleAssignmentRequired: true } : {});
  // Fixtures exist "since ever": replication lag applies to what clients create, not to what the operator seeded.
  app.createdAtMs = Number.NEGATIVE_INFINITY;
  for (const s of app.secrets) s.addedAtMs = Number.NEGATIVE_INFINITY;
  if (sp) sp.createdAtMs = Number.NEGATIVE_INFINITY;
  if (sp && options.ownsItself) app.owners.push(sp.id);
  const permissions = options.permissions ?? [];
  if (sp && permissions.length > 0) grantGraphPermissions(ctx, tenant, sp.id, permissions);
  return {
    tenantId: tenant.id, clientId: app.appId, objectId: app.id, servicePrincipalId: sp?.id ?? null,
    clientSecret: (secret?.secretText as string | undefined) ?? null, secretKeyId: (secret?.keyId as string | undefined) ?? null, permissions,
  };
}

/** Admin consent for Graph application permissions: app role assignments on the tenant's Microsoft Graph SP. */
export function grantGraphPermissions(ctx: EmulatorContext, tenant: Tenant, principalSpId: string, permissions: string[]): void {
  const graph = tenant.graphServicePrincipal();
  for (const permission of permissions) {
    if (!isKnownGraphPermission(permission)) {
      throw new DirectoryError(400, 'UnknownPermission', `Unknown Graph permission '${permission}'. Known: ${Object.keys(GRAPH_APP_ROLES).join(', ')}`);
    }
    const roleId = GRAPH_APP_ROLES[permission]!;
    if (graph.assignedTo.some((a) => a.principalId === principalSpId && a.appRoleId === roleId)) continue;
    assignAppRole(adminChange(ctx, tenant), graph, { principalId: principalSpId, resourceId: graph.id, appRoleId: roleId });
  }
}

export function grantPermissionsByAppId(ctx: EmulatorContext, appId: string, permissions: string[], tenantId?: string): void {
  const tenant = tenantOrThrow(ctx, tenantId);
  const sp = tenant.servicePrincipalByAppId(appId);
  if (!sp) throw new DirectoryError(404, 'Request_ResourceNotFound', `No service principal for appId '${appId}'.`);
  grantGraphPermissions(ctx, tenant, sp.id, permissions);
}

/** Grants an API's app role (by value) to a client app, as admin consent to an application permission would. */
export function grantAppRole(ctx: EmulatorContext, options: { clientAppId: string; resourceAppId: string; role: string; tenantId?: string }): GraphJson {
  const tenant = tenantOrThrow(ctx, options.tenantId);
  const client = tenant.servicePrincipalByAppId(options.clientAppId);
  const resource = tenant.servicePrincipalByAppId(options.resourceAppId);
  if (!client || !resource) throw new DirectoryError(404, 'Request_ResourceNotFound', 'Client or resource service principal not found.');
  const role = (resource.body.appRoles as GraphJson[]).find((r) => r.value === options.role);
  if (!role) throw new DirectoryError(400, 'Request_BadRequest', `Resource has no app role '${options.role}'.`);
  return assignAppRole(adminChange(ctx, tenant), resource, { principalId: client.id, resourceId: resource.id, appRoleId: role.id });
}
