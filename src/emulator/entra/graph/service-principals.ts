import type { EmulatorResponse } from '../http.ts';
import { json, noContent } from '../http.ts';
import type { GraphJson } from '../directory/model.ts';
import { DirectoryError, badRequest, notFound } from '../directory/errors.ts';
import { assignAppRole, createServicePrincipal, removeAppRoleAssignment } from '../directory/service-principals.ts';
import { servicePrincipalWritable } from '../directory/service-principal-body.ts';
import { softDeleteServicePrincipal } from '../directory/deleted-items.ts';
import { ACTIVITY, auditEntry } from '../logs/audit.ts';
import { body, entity, findServicePrincipal, odataType, readView, replicated, type GraphCall, type ObjectKey } from './call.ts';
import { can, listOnlyOwned, owns, ensure } from './permissions.ts';
import { listResponse } from './odata.ts';
import { checkQuota } from './quota.ts';

export function listServicePrincipals(call: GraphCall): EmulatorResponse {
  ensure(can.list(call.ctx, call.caller));
  const onlyOwned = listOnlyOwned(call.ctx, call.caller);
  const items = [...call.tenant.servicePrincipals.values()]
    .filter((r) => r.deletedAtMs === undefined && replicated(call, r) && (!onlyOwned || owns(call.caller, r)))
    .map((r) => readView(call, r));
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#servicePrincipals`));
}

/**
 * POST /servicePrincipals {appId}. The backing application must exist and have replicated (else
 * NoBackingApplicationObject); with OwnedBy the caller must own it and becomes the SP's owner.
 */
export function postServicePrincipal(call: GraphCall): EmulatorResponse {
  const input = body(call);
  if (typeof input.appId !== 'string') throw badRequest("Invalid value specified for property 'appId' of resource 'ServicePrincipal'.");
  const app = call.tenant.applicationByAppId(input.appId);
  if (!app || !replicated(call, app)) {
    throw new DirectoryError(400, 'NoBackingApplicationObject', `The appId '${input.appId}' of the service principal does not reference a valid application object.`);
  }
  ensure(can.write(call.caller, app));
  checkQuota(call);
  const sp = createServicePrincipal(call.change, app, input, can.writeAll(call.caller) ? undefined : call.caller.servicePrincipalId);
  return entity(call, 'servicePrincipals', sp.body, 201);
}

export function getServicePrincipal(call: GraphCall, key: ObjectKey): EmulatorResponse {
  return entity(call, 'servicePrincipals', readView(call, findServicePrincipal(call, key, 'read')));
}

export function patchServicePrincipal(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const sp = findServicePrincipal(call, key, 'write');
  const input = body(call);
  for (const name of Object.keys(input)) {
    if (!servicePrincipalWritable(name)) throw badRequest(`Property '${name}' is read-only or does not exist on 'servicePrincipal'.`);
  }
  sp.previous = { body: sp.body, changedAtMs: call.nowMs };
  sp.body = { ...sp.body, ...input };
  call.tenant.audits.push(auditEntry({ activity: ACTIVITY.updateServicePrincipal, operationType: 'Update', actor: call.change.actor, nowMs: call.nowMs, target: { id: sp.id, displayName: sp.body.displayName, type: 'ServicePrincipal' } }));
  return noContent();
}

export function deleteServicePrincipal(call: GraphCall, key: ObjectKey): EmulatorResponse {
  softDeleteServicePrincipal(call.change, findServicePrincipal(call, key, 'write'));
  return noContent();
}

export function listAppRoleAssignedTo(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const sp = findServicePrincipal(call, key, 'read');
  return json(200, listResponse(call.ctx, call.req, sp.assignedTo, `${call.version}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo`));
}

/** Role grants need AppRoleAssignment.ReadWrite.All (plus read access); OwnedBy alone is refused, as in Entra. */
export function postAppRoleAssignedTo(call: GraphCall, key: ObjectKey): EmulatorResponse {
  ensure(can.assignRoles(call.caller));
  const sp = findServicePrincipal(call, key, 'read');
  const assignment = assignAppRole(call.change, sp, body(call));
  return json(201, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignedTo/$entity`, ...assignment });
}

export function deleteAppRoleAssignedTo(call: GraphCall, key: ObjectKey, assignmentId: string): EmulatorResponse {
  ensure(can.assignRoles(call.caller));
  const sp = findServicePrincipal(call, key, 'read');
  removeAppRoleAssignment(call.change, sp, assignmentId);
  return noContent();
}

/** appRoleAssignments: the grants this SP holds as a principal, across all resources. */
export function listAppRoleAssignments(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const sp = findServicePrincipal(call, key, 'read');
  const items: GraphJson[] = [];
  for (const resource of call.tenant.servicePrincipals.values()) {
    items.push(...resource.assignedTo.filter((a) => a.principalId === sp.id));
  }
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignments`));
}

/** ownedObjects (optionally cast to applications or servicePrincipals): what an OwnedBy app may manage. */
export function listOwnedObjects(call: GraphCall, key: ObjectKey, cast: string | undefined): EmulatorResponse {
  const t = call.tenant;
  const target = 'id' in key ? t.servicePrincipal(key.id) : 'appId' in key ? t.servicePrincipalByAppId(key.appId) : undefined;
  if (!target || !replicated(call, target)) throw notFound(Object.values(key)[0]!);
  const self = target.id === call.caller.servicePrincipalId;
  ensure(can.readAll(call.caller) || (self && can.ownedBy(call.caller)));
  const items = call.tenant.liveObjects()
    .filter((o) => o.owners.includes(target.id) && replicated(call, o))
    .filter((o) => !cast || odataType(o) === `#${cast}`)
    .map((o) => ({ '@odata.type': odataType(o), ...readView(call, o) }));
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#directoryObjects`));
}
