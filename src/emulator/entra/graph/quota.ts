import { DirectoryError } from '../directory/errors.ts';
import type { GraphCall } from './call.ts';
import { can } from './permissions.ts';

/**
 * Entra's per-principal quota: a non-admin principal may own a limited number of objects, soft-deleted ones
 * included, so an automation that only soft-deletes eventually stops creating.
 */
export function checkQuota(call: GraphCall): void {
  if (can.writeAll(call.caller)) return;
  const spId = call.caller.servicePrincipalId;
  let owned = 0;
  for (const rec of call.tenant.applications.values()) if (rec.owners.includes(spId)) owned++;
  for (const rec of call.tenant.servicePrincipals.values()) if (rec.owners.includes(spId)) owned++;
  if (owned >= call.ctx.settings.ownedObjectQuota) {
    throw new DirectoryError(400, 'Directory_QuotaExceeded',
      'The directory object quota limit for the Principal has been exceeded. Please ask your administrator to increase the quota limit or delete objects to reduce the used quota.');
  }
}
