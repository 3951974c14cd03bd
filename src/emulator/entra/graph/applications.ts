import type { EmulatorResponse } from '../http.ts';
import { header, json, noContent } from '../http.ts';
import { writableChanges } from '../directory/application-body.ts';
import { createApplication, deleteApplication, updateApplication } from '../directory/applications.ts';
import { withoutKeyBytes } from '../directory/certificates.ts';
import { DirectoryError, notFound } from '../directory/errors.ts';
import { body, entity, findApplication, readView, replicated, type GraphCall, type ObjectKey } from './call.ts';
import { can, listOnlyOwned, owns, ensure } from './permissions.ts';
import { listResponse } from './odata.ts';
import { checkQuota } from './quota.ts';

export function listApplications(call: GraphCall): EmulatorResponse {
  ensure(can.list(call.ctx, call.caller));
  const onlyOwned = listOnlyOwned(call.ctx, call.caller);
  const items = [...call.tenant.applications.values()]
    .filter((r) => r.deletedAtMs === undefined && replicated(call, r) && (!onlyOwned || owns(call.caller, r)))
    .map((r) => withoutKeyBytes(readView(call, r)));
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#applications`));
}

/** POST /applications. With OwnedBy the caller's service principal becomes the owner. */
export function postApplication(call: GraphCall): EmulatorResponse {
  ensure(can.create(call.caller));
  checkQuota(call);
  const record = createApplication(call.change, writableChanges(body(call)), call.caller.servicePrincipalId);
  return entity(call, 'applications', record.body, 201);
}

export function getApplication(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const record = findApplication(call, key, 'read');
  return entity(call, 'applications', readView(call, record));
}

/**
 * PATCH by id or alternate key. On `(uniqueName='…')` with `Prefer: create-if-missing` it is an upsert:
 * 201 with the new application, or 204 when it existed (Graph's documented behaviour).
 */
export function patchApplication(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const changes = writableChanges(body(call));
  if ('uniqueName' in key) {
    const existing = call.tenant.applicationByUniqueName(key.uniqueName);
    if (!existing) {
      if (!/create-if-missing/i.test(header(call.req, 'prefer') ?? '')) throw notFound(key.uniqueName);
      ensure(can.create(call.caller));
      checkQuota(call);
      if ('uniqueName' in changes && changes.uniqueName !== key.uniqueName) {
        throw new DirectoryError(400, 'Request_BadRequest', 'The uniqueName in the body does not match the key.');
      }
      const record = createApplication(call.change, { ...changes, uniqueName: key.uniqueName }, call.caller.servicePrincipalId);
      return entity(call, 'applications', record.body, 201);
    }
    ensure(can.write(call.caller, existing));
    updateApplication(call.change, existing, changes);
    return noContent();
  }
  const record = findApplication(call, key, 'write');
  updateApplication(call.change, record, changes);
  return noContent();
}

export function deleteApplicationCall(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const record = findApplication(call, key, 'write');
  deleteApplication(call.change, record);
  return noContent();
}
