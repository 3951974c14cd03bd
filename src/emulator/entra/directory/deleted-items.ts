import type { DirectoryRecord } from './model.ts';
import type { Change } from './applications.ts';
import type { Tenant } from './tenant.ts';
import { ACTIVITY, auditEntry } from '../logs/audit.ts';
import { badRequest } from './errors.ts';

/** Entra keeps soft-deleted applications and service principals restorable for 30 days. */
export const RETENTION_MS = 30 * 24 * 3600 * 1000;

export function restore(change: Change, record: DirectoryRecord): void {
  const { tenant, nowMs, actor } = change;
  if (record.kind === 'application') {
    const uniqueName = record.body.uniqueName;
    if (typeof uniqueName === 'string' && tenant.applicationByUniqueName(uniqueName)) {
      throw badRequest('Another object with the same value for property uniqueName already exists.', [{ code: 'ObjectConflict', message: 'uniqueName', target: 'uniqueName' }]);
    }
  } else if (tenant.servicePrincipalByAppId(record.appId)) {
    throw badRequest(`The service principal name ${record.appId} is already in use.`, [{ code: 'ObjectConflict', message: 'servicePrincipalNames', target: 'servicePrincipalNames' }]);
  }
  delete record.deletedAtMs;
  record.body = { ...record.body, deletedDateTime: null };
  const isApp = record.kind === 'application';
  tenant.audits.push(auditEntry({
    activity: isApp ? ACTIVITY.restoreApplication : ACTIVITY.restoreServicePrincipal, operationType: 'Add', actor, nowMs,
    target: { id: record.id, displayName: record.body.displayName, type: isApp ? 'Application' : 'ServicePrincipal' },
  }));
}

export function hardDelete(change: Change, record: DirectoryRecord): void {
  const { tenant, nowMs, actor } = change;
  const isApp = record.kind === 'application';
  if (isApp) tenant.applications.delete(record.id);
  else tenant.servicePrincipals.delete(record.id);
  tenant.audits.push(auditEntry({
    activity: isApp ? ACTIVITY.hardDeleteApplication : ACTIVITY.hardDeleteServicePrincipal, operationType: 'Delete', actor, nowMs,
    target: { id: record.id, displayName: record.body.displayName, type: isApp ? 'Application' : 'ServicePrincipal' },
  }));
}

/** Drops items deleted longer ago than the retention period (run lazily on each request, driven by the emulator clock). */
export function purgeExpired(tenant: Tenant, nowMs: number): void {
  for (const map of [tenant.applications, tenant.servicePrincipals] as Map<string, DirectoryRecord>[]) {
    for (const [id, record] of map) {
      if (record.deletedAtMs !== undefined && nowMs - record.deletedAtMs >= RETENTION_MS) map.delete(id);
    }
  }
}

export function softDeleteServicePrincipal(change: Change, record: DirectoryRecord): void {
  const { tenant, nowMs, actor } = change;
  record.deletedAtMs = nowMs;
  record.body = { ...record.body, deletedDateTime: new Date(nowMs).toISOString() };
  tenant.audits.push(auditEntry({ activity: ACTIVITY.removeServicePrincipal, operationType: 'Delete', actor, nowMs, target: { id: record.id, displayName: record.body.displayName, type: 'ServicePrincipal' } }));
}
