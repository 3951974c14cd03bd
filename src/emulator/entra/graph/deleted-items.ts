import type { EmulatorResponse } from '../http.ts';
import { json, noContent } from '../http.ts';
import type { DirectoryRecord } from '../directory/model.ts';
import { notFound } from '../directory/errors.ts';
import { hardDelete, restore } from '../directory/deleted-items.ts';
import { odataType, type GraphCall } from './call.ts';
import { can, owns, ensure } from './permissions.ts';
import { listResponse } from './odata.ts';

const CASTS: Record<string, DirectoryRecord['kind']> = {
  'microsoft.graph.application': 'application',
  'microsoft.graph.servicePrincipal': 'servicePrincipal',
};

export function isCast(segment: string | undefined): boolean {
  return segment !== undefined && segment in CASTS;
}

/** GET /directory/deletedItems[/microsoft.graph.application|servicePrincipal]. */
export function listDeletedItems(call: GraphCall, cast: string | undefined): EmulatorResponse {
  ensure(can.list(call.ctx, call.caller));
  const kind = cast ? CASTS[cast] : undefined;
  const items = [...call.tenant.applications.values(), ...call.tenant.servicePrincipals.values()]
    .filter((r) => r.deletedAtMs !== undefined && (!kind || r.kind === kind) && (can.readAll(call.caller) || owns(call.caller, r)))
    .map((r) => ({ '@odata.type': odataType(r), ...r.body }));
  const set = cast ? `directory/deletedItems/${cast}` : 'directory/deletedItems';
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#${set}`));
}

function findDeleted(call: GraphCall, id: string, cast: string | undefined, access: 'read' | 'write'): DirectoryRecord {
  const rec = call.tenant.object(id);
  if (!rec || rec.deletedAtMs === undefined || (cast && CASTS[cast] !== rec.kind)) throw notFound(id);
  ensure(access === 'read' ? can.readAll(call.caller) || owns(call.caller, rec) : can.writeAll(call.caller) || owns(call.caller, rec));
  return rec;
}

export function getDeletedItem(call: GraphCall, id: string, cast: string | undefined): EmulatorResponse {
  const rec = findDeleted(call, id, cast, 'read');
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#directoryObjects/$entity`, '@odata.type': odataType(rec), ...rec.body });
}

/** POST /directory/deletedItems/{id}/restore → 200 with the restored object. */
export function restoreDeletedItem(call: GraphCall, id: string): EmulatorResponse {
  const rec = findDeleted(call, id, undefined, 'write');
  restore(call.change, rec);
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#directoryObjects/$entity`, '@odata.type': odataType(rec), ...rec.body });
}

export function purgeDeletedItem(call: GraphCall, id: string): EmulatorResponse {
  const rec = findDeleted(call, id, undefined, 'write');
  hardDelete(call.change, rec);
  return noContent();
}
