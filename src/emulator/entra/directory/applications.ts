import type { ApplicationRecord, GraphJson } from './model.ts';
import type { Tenant } from './tenant.ts';
import type { Actor } from '../logs/audit.ts';
import { ACTIVITY, auditEntry } from '../logs/audit.ts';
import { applyChanges, defaultApplicationBody, validateIdentifierUris } from './application-body.ts';
import { badRequest } from './errors.ts';
import { newGuid } from './secrets.ts';
import { replaceKeyCredentials } from './certificates.ts';

export interface Change {
  tenant: Tenant;
  nowMs: number;
  actor: Actor;
}

/** POST /applications (and the create half of upsert). The creating app's SP becomes an owner, as in Entra. */
export function createApplication(change: Change, changes: GraphJson, ownerId?: string): ApplicationRecord {
  const { tenant, nowMs, actor } = change;
  if (typeof changes.displayName !== 'string') {
    throw badRequest("Invalid value specified for property 'displayName' of resource 'Application'.");
  }
  checkIdentifierUris(tenant, (changes.identifierUris as string[] | undefined) ?? [], undefined);
  if (typeof changes.uniqueName === 'string' && tenant.applicationByUniqueName(changes.uniqueName)) {
    throw badRequest(`Another object with the same value for property uniqueName already exists.`, [
      { code: 'ObjectConflict', message: 'uniqueName', target: 'uniqueName' },
    ]);
  }
  const id = newGuid();
  const createdByAppId = 'appId' in actor ? actor.appId : null;
  const base = defaultApplicationBody({ id, appId: newGuid(), createdDateTime: new Date(nowMs).toISOString(), publisherDomain: tenant.domain, createdByAppId });
  const record: ApplicationRecord = {
    kind: 'application', id, appId: base.appId as string, body: applyChanges(base, changes),
    owners: ownerId ? [ownerId] : [], createdAtMs: nowMs, secrets: [], certificates: [],
  };
  if (Array.isArray(changes.keyCredentials)) replaceKeyCredentials(record, changes.keyCredentials, nowMs);
  tenant.applications.set(id, record);
  tenant.audits.push(auditEntry({
    activity: ACTIVITY.addApplication, operationType: 'Add', actor, nowMs,
    target: { id, displayName: record.body.displayName, type: 'Application' },
    modifiedProperties: [{ displayName: 'AppId', oldValue: null, newValue: JSON.stringify([record.appId]) }],
  }));
  if (ownerId) {
    tenant.audits.push(auditEntry({ activity: ACTIVITY.addOwnerToApplication, operationType: 'Add', actor, nowMs, target: { id, displayName: record.body.displayName, type: 'Application' } }));
  }
  return record;
}

/** PATCH: collections are replaced whole; the previous body is kept for the stale-read fault. */
export function updateApplication(change: Change, record: ApplicationRecord, changes: GraphJson): void {
  const { tenant, nowMs, actor } = change;
  if (Array.isArray(changes.identifierUris)) checkIdentifierUris(tenant, changes.identifierUris as string[], record.id);
  if ('uniqueName' in changes && record.body.uniqueName && changes.uniqueName !== record.body.uniqueName) {
    throw badRequest("Property 'uniqueName' is immutable once set.");
  }
  record.previous = { body: record.body, changedAtMs: nowMs };
  record.body = applyChanges(record.body, changes);
  if (Array.isArray(changes.keyCredentials)) replaceKeyCredentials(record, changes.keyCredentials, nowMs);
  // Entra's service principal exposes its application's app roles: roles added to the app later become assignable.
  if (Array.isArray(changes.appRoles)) {
    const sp = tenant.servicePrincipalByAppId(record.appId);
    if (sp) sp.body = { ...sp.body, appRoles: record.body.appRoles };
  }
  tenant.audits.push(auditEntry({
    activity: Array.isArray(changes.keyCredentials) ? ACTIVITY.credentials : ACTIVITY.updateApplication,
    operationType: 'Update', actor, nowMs,
    target: { id: record.id, displayName: record.body.displayName, type: 'Application' },
    modifiedProperties: [{ displayName: 'Included Updated Properties', oldValue: null, newValue: JSON.stringify(Object.keys(changes).join(', ')) }],
  }));
}

/** Soft delete: the app (and its SP, as Entra does) go to deletedItems and keep their identifierUris. */
export function deleteApplication(change: Change, record: ApplicationRecord): void {
  const { tenant, nowMs, actor } = change;
  record.deletedAtMs = nowMs;
  record.body = { ...record.body, deletedDateTime: new Date(nowMs).toISOString() };
  const sp = tenant.servicePrincipalByAppId(record.appId);
  if (sp) {
    sp.deletedAtMs = nowMs;
    sp.body = { ...sp.body, deletedDateTime: new Date(nowMs).toISOString() };
    tenant.audits.push(auditEntry({ activity: ACTIVITY.removeServicePrincipal, operationType: 'Delete', actor, nowMs, target: { id: sp.id, displayName: sp.body.displayName, type: 'ServicePrincipal' } }));
  }
  tenant.audits.push(auditEntry({ activity: ACTIVITY.deleteApplication, operationType: 'Delete', actor, nowMs, target: { id: record.id, displayName: record.body.displayName, type: 'Application' } }));
}

function checkIdentifierUris(tenant: Tenant, uris: string[], selfId: string | undefined): void {
  validateIdentifierUris(uris);
  for (const other of tenant.applications.values()) {
    if (other.id === selfId) continue;
    const taken = (other.body.identifierUris as string[]).find((u) => uris.includes(u));
    if (taken) {
      throw badRequest('Another object with the same value for property identifierUris already exists.', [
        { code: 'ObjectConflict', message: 'Another object with the same value for property identifierUris already exists.', target: 'identifierUris' },
      ]);
    }
  }
}
