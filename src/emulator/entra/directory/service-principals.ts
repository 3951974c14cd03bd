import type { ApplicationRecord, GraphJson, ServicePrincipalRecord } from './model.ts';
import type { Change } from './applications.ts';
import { ACTIVITY, auditEntry } from '../logs/audit.ts';
import { DirectoryError, badRequest, notFound } from './errors.ts';
import { newGuid } from './secrets.ts';
import { servicePrincipalBody, servicePrincipalWritable } from './service-principal-body.ts';

/** POST /servicePrincipals {appId}: the app's instance in the tenant; tokens need one for the client and the resource. */
export function createServicePrincipal(change: Change, app: ApplicationRecord, input: GraphJson, ownerId?: string): ServicePrincipalRecord {
  const { tenant, nowMs, actor } = change;
  if (tenant.servicePrincipalByAppId(app.appId)) {
    throw new DirectoryError(409, 'Request_MultipleObjectsWithSameKeyValue',
      `The service principal cannot be created, updated, or restored because the service principal name ${app.appId} is already in use.`);
  }
  const extra: GraphJson = {};
  for (const [name, value] of Object.entries(input)) {
    if (name === 'appId' || name.startsWith('@odata.')) continue;
    if (!servicePrincipalWritable(name)) throw badRequest(`Property '${name}' does not exist as a declared property or extension property.`);
    extra[name] = value;
  }
  const id = newGuid();
  const api = app.body.api as GraphJson;
  const body = {
    ...servicePrincipalBody({
      id, appId: app.appId, displayName: app.body.displayName as string, appOwnerOrganizationId: tenant.id,
      createdDateTime: new Date(nowMs).toISOString(), appRoles: app.body.appRoles as unknown[],
      servicePrincipalNames: [app.appId, ...(app.body.identifierUris as string[])],
      signInAudience: app.body.signInAudience as string, oauth2PermissionScopes: api.oauth2PermissionScopes as unknown[],
    }),
    ...extra,
  };
  const record: ServicePrincipalRecord = { kind: 'servicePrincipal', id, appId: app.appId, body, owners: ownerId ? [ownerId] : [], createdAtMs: nowMs, assignedTo: [] };
  tenant.servicePrincipals.set(id, record);
  tenant.audits.push(auditEntry({ activity: ACTIVITY.addServicePrincipal, operationType: 'Add', actor, nowMs, target: { id, displayName: body.displayName, type: 'ServicePrincipal' } }));
  return record;
}

/** The app roles the resource SP has granted to a principal, as role values (the token's `roles` claim). */
export function grantedRoleValues(resource: ServicePrincipalRecord, principalId: string): string[] {
  const roles = resource.body.appRoles as GraphJson[];
  return resource.assignedTo
    .filter((a) => a.principalId === principalId)
    .map((a) => roles.find((r) => r.id === a.appRoleId)?.value)
    .filter((v): v is string => typeof v === 'string');
}

/** POST /servicePrincipals/{resource}/appRoleAssignedTo. */
export function assignAppRole(change: Change, resource: ServicePrincipalRecord, input: GraphJson): GraphJson {
  const { tenant, nowMs, actor } = change;
  const { principalId, resourceId, appRoleId } = input;
  if (typeof principalId !== 'string' || typeof appRoleId !== 'string') throw badRequest("Invalid value specified for property 'principalId' or 'appRoleId'.");
  if (resourceId !== undefined && resourceId !== resource.id) throw badRequest("Invalid value specified for property 'resourceId' of resource 'AppRoleAssignment'.");
  const principal = tenant.servicePrincipal(principalId);
  if (!principal) throw notFound(principalId);
  const role = (resource.body.appRoles as GraphJson[]).find((r) => r.id === appRoleId && (r.allowedMemberTypes as string[]).includes('Application'));
  if (!role && appRoleId !== '00000000-0000-0000-0000-000000000000') {
    throw badRequest('Permission being assigned was not found on application');
  }
  if (resource.assignedTo.some((a) => a.principalId === principalId && a.appRoleId === appRoleId)) {
    throw badRequest('Permission being assigned already exists on the object');
  }
  const assignment: GraphJson = {
    id: assignmentId(principalId), deletedDateTime: null, appRoleId, createdDateTime: new Date(nowMs).toISOString(),
    principalDisplayName: principal.body.displayName, principalId, principalType: 'ServicePrincipal',
    resourceDisplayName: resource.body.displayName, resourceId: resource.id,
  };
  resource.assignedTo.push(assignment);
  tenant.audits.push(auditEntry({
    activity: ACTIVITY.addAppRoleAssignment, operationType: 'Assign', actor, nowMs,
    target: { id: resource.id, displayName: resource.body.displayName, type: 'ServicePrincipal' },
    modifiedProperties: [{ displayName: 'AppRole.Value', oldValue: null, newValue: JSON.stringify(role?.value ?? '') }],
  }));
  return assignment;
}

export function removeAppRoleAssignment(change: Change, resource: ServicePrincipalRecord, assignmentIdValue: string): void {
  const { tenant, nowMs, actor } = change;
  const index = resource.assignedTo.findIndex((a) => a.id === assignmentIdValue);
  if (index < 0) throw notFound(assignmentIdValue);
  resource.assignedTo.splice(index, 1);
  tenant.audits.push(auditEntry({ activity: ACTIVITY.removeAppRoleAssignment, operationType: 'Unassign', actor, nowMs, target: { id: resource.id, displayName: resource.body.displayName, type: 'ServicePrincipal' } }));
}

/** Entra's assignment id: base64url of the principal GUID in .NET (little-endian) byte order plus 16 random bytes. */
export function assignmentId(principalId: string): string {
  const hex = principalId.replace(/-/g, '');
  const bytes = Buffer.from(hex, 'hex');
  const le = Buffer.concat([Buffer.from(bytes.subarray(0, 4)).reverse(), Buffer.from(bytes.subarray(4, 6)).reverse(), Buffer.from(bytes.subarray(6, 8)).reverse(), bytes.subarray(8)]);
  const random = Buffer.from(newGuid().replace(/-/g, ''), 'hex');
  return Buffer.concat([le, random]).toString('base64url');
}
