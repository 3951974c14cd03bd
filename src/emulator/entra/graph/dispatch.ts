import type { EmulatorResponse } from '../http.ts';
import { json } from '../http.ts';
import { DirectoryError, notFound } from '../directory/errors.ts';
import { odataType, type GraphCall, type ObjectKey } from './call.ts';
import { can, ensure } from './permissions.ts';
import { deleteApplicationCall, getApplication, listApplications, patchApplication, postApplication } from './applications.ts';
import { addKeyCall, addPasswordCall, removeKeyCall, removePasswordCall } from './application-credentials.ts';
import { addOwner, listOwners, removeOwner } from './owners.ts';
import {
  deleteAppRoleAssignedTo, deleteServicePrincipal, getServicePrincipal, listAppRoleAssignedTo, listAppRoleAssignments,
  listOwnedObjects, listServicePrincipals, patchServicePrincipal, postAppRoleAssignedTo, postServicePrincipal,
} from './service-principals.ts';
import { getDeletedItem, isCast, listDeletedItems, purgeDeletedItem, restoreDeletedItem } from './deleted-items.ts';
import { getDirectoryAudit, listDirectoryAudits, listSignIns } from './audit-logs.ts';
import { appCredentialSignInActivities, servicePrincipalSignInActivities } from './reports.ts';
import { getDefaultAppManagementPolicy, patchDefaultAppManagementPolicy } from './policies.ts';

const KEYED = /^(applications|servicePrincipals)\((appId|uniqueName|id)='((?:[^']|'')*)'\)$/;

/** Maps `/v1.0/<segments>` to a handler; the table below is the emulated Graph surface. */
export async function dispatch(call: GraphCall, segments: string[]): Promise<EmulatorResponse> {
  const method = call.req.method;
  const [first, ...rest] = segments;
  if (!first) throw segmentNotFound('');
  const keyed = KEYED.exec(first);
  const set = keyed ? keyed[1] : first;
  let key: ObjectKey | undefined;
  let tail = rest;
  if (keyed) {
    const value = keyed[3]!.replace(/''/g, "'");
    key = keyed[2] === 'appId' ? { appId: value } : keyed[2] === 'uniqueName' ? { uniqueName: value } : { id: value };
  } else if ((set === 'applications' || set === 'servicePrincipals') && rest[0]) {
    key = { id: rest[0] };
    tail = rest.slice(1);
  }
  const action = tail.map((s) => s.replace(/^microsoft\.graph\.(?=(add|remove)(Password|Key)$|restore$)/, ''));
  const route = `${method} ${set}${key ? '/{key}' : ''}${action.length ? '/' + action.join('/') : ''}`;

  if (set === 'applications') {
    if (!key) {
      if (route === 'GET applications') return listApplications(call);
      if (route === 'POST applications') return postApplication(call);
    } else {
      switch (`${method} ${action[0] ?? ''}${action.length > 1 ? '/' + action.slice(1).join('/') : ''}`) {
        case 'GET ': return getApplication(call, key);
        case 'PATCH ': return patchApplication(call, key);
        case 'DELETE ': return deleteApplicationCall(call, key);
        case 'POST addPassword': return addPasswordCall(call, key);
        case 'POST removePassword': return removePasswordCall(call, key);
        case 'POST addKey': return addKeyCall(call, key);
        case 'POST removeKey': return removeKeyCall(call, key);
        case 'GET owners': return listOwners(call, key);
        case 'POST owners/$ref': return addOwner(call, key);
      }
      if (method === 'DELETE' && action[0] === 'owners' && action[2] === '$ref' && action.length === 3) return removeOwner(call, key, action[1]!);
    }
  }
  if (set === 'servicePrincipals') {
    if (!key) {
      if (route === 'GET servicePrincipals') return listServicePrincipals(call);
      if (route === 'POST servicePrincipals') return postServicePrincipal(call);
    } else {
      const [a0, a1] = action;
      if (action.length === 0 && method === 'GET') return getServicePrincipal(call, key);
      if (action.length === 0 && method === 'PATCH') return patchServicePrincipal(call, key);
      if (action.length === 0 && method === 'DELETE') return deleteServicePrincipal(call, key);
      if (a0 === 'appRoleAssignedTo' && action.length === 1 && method === 'GET') return listAppRoleAssignedTo(call, key);
      if (a0 === 'appRoleAssignedTo' && action.length === 1 && method === 'POST') return postAppRoleAssignedTo(call, key);
      if (a0 === 'appRoleAssignedTo' && action.length === 2 && method === 'DELETE') return deleteAppRoleAssignedTo(call, key, a1!);
      if (a0 === 'appRoleAssignments' && action.length === 1 && method === 'GET') return listAppRoleAssignments(call, key);
      if (a0 === 'ownedObjects' && action.length <= 2 && method === 'GET' && (a1 === undefined || isCast(a1))) return listOwnedObjects(call, key, a1);
    }
  }
  if (set === 'directory' && rest[0] === 'deletedItems') {
    const [, id, sub] = rest;
    if (rest.length === 1 && method === 'GET') return listDeletedItems(call, undefined);
    if (rest.length === 2 && isCast(id) && method === 'GET') return listDeletedItems(call, id);
    if (rest.length === 2 && method === 'GET') return getDeletedItem(call, id!, undefined);
    if (rest.length === 2 && method === 'DELETE') return purgeDeletedItem(call, id!);
    if (rest.length === 3 && isCast(sub) && method === 'GET') return getDeletedItem(call, id!, sub);
    if (rest.length === 3 && /^(microsoft\.graph\.)?restore$/.test(sub!) && method === 'POST') return restoreDeletedItem(call, id!);
  }
  if (set === 'directoryObjects' && rest.length === 1 && method === 'GET') {
    const record = call.tenant.object(rest[0]!);
    if (!record || record.deletedAtMs !== undefined) throw notFound(rest[0]!);
    ensure(can.read(call.ctx, call.caller, record));
    return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#directoryObjects/$entity`, '@odata.type': odataType(record), ...record.body });
  }
  if (set === 'auditLogs' && method === 'GET') {
    if (rest[0] === 'directoryAudits' && rest.length === 1) return listDirectoryAudits(call);
    if (rest[0] === 'directoryAudits' && rest.length === 2) return getDirectoryAudit(call, rest[1]!);
    if (rest[0] === 'signIns' && rest.length === 1 && call.version === 'beta') return listSignIns(call);
  }
  if (set === 'reports' && method === 'GET' && call.version === 'beta') {
    if (rest[0] === 'servicePrincipalSignInActivities' && rest.length <= 2) return servicePrincipalSignInActivities(call, rest[1]);
    if (rest[0] === 'appCredentialSignInActivities' && rest.length <= 2) return appCredentialSignInActivities(call, rest[1]);
  }
  if (set === 'policies' && rest[0] === 'defaultAppManagementPolicy' && rest.length === 1) {
    if (method === 'GET') return getDefaultAppManagementPolicy(call);
    if (method === 'PATCH') return patchDefaultAppManagementPolicy(call);
  }
  throw segmentNotFound(segments[segments.length - 1] ?? '');
}

function segmentNotFound(segment: string): DirectoryError {
  return new DirectoryError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}
