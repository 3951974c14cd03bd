import type { EmulatorResponse } from '../http.ts';
import { json, noContent } from '../http.ts';
import type { DirectoryRecord } from '../directory/model.ts';
import { badRequest, notFound } from '../directory/errors.ts';
import { ACTIVITY, auditEntry } from '../logs/audit.ts';
import { body, findApplication, odataType, type GraphCall, type ObjectKey } from './call.ts';
import { listResponse } from './odata.ts';

export function listOwners(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const record = findApplication(call, key, 'read');
  const owners = record.owners.map((id) => call.tenant.object(id)).filter((o): o is DirectoryRecord => !!o && o.deletedAtMs === undefined);
  const items = owners.map((o) => ({ '@odata.type': odataType(o), ...o.body }));
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#directoryObjects`));
}

/** POST /applications/{id}/owners/$ref {"@odata.id": ".../directoryObjects/{ownerId}"}. */
export function addOwner(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const record = findApplication(call, key, 'write');
  const ref = body(call)['@odata.id'];
  const ownerId = typeof ref === 'string' ? /\/directoryObjects\/([0-9a-f-]{36})$/i.exec(ref)?.[1] : undefined;
  if (!ownerId) throw badRequest("Invalid value specified for property '@odata.id'.");
  const owner = call.tenant.servicePrincipal(ownerId);
  if (!owner) throw notFound(ownerId);
  if (record.owners.includes(ownerId)) {
    throw badRequest("One or more added object references already exist for the following modified properties: 'owners'.");
  }
  record.owners.push(ownerId);
  call.tenant.audits.push(auditEntry({ activity: ACTIVITY.addOwnerToApplication, operationType: 'Add', actor: call.change.actor, nowMs: call.nowMs, target: { id: record.id, displayName: record.body.displayName, type: 'Application' } }));
  return noContent();
}

export function removeOwner(call: GraphCall, key: ObjectKey, ownerId: string): EmulatorResponse {
  const record = findApplication(call, key, 'write');
  if (!record.owners.includes(ownerId)) throw notFound(ownerId);
  record.owners = record.owners.filter((o) => o !== ownerId);
  call.tenant.audits.push(auditEntry({ activity: ACTIVITY.removeOwnerFromApplication, operationType: 'Delete', actor: call.change.actor, nowMs: call.nowMs, target: { id: record.id, displayName: record.body.displayName, type: 'Application' } }));
  return noContent();
}
