import type { EmulatorContext } from '../context.ts';
import type { DirectoryRecord } from '../directory/model.ts';
import { denied, nonPremiumTenant } from '../directory/errors.ts';
import type { Caller } from './auth.ts';

const WRITE_ALL = ['Application.ReadWrite.All', 'Directory.ReadWrite.All'];
const READ_ALL = [...WRITE_ALL, 'Application.Read.All', 'Directory.Read.All'];
const OWNED_BY = 'Application.ReadWrite.OwnedBy';

const hasAny = (caller: Caller, names: string[]) => names.some((n) => caller.permissions.has(n));

/**
 * Entra's rules for app-only callers: *.ReadWrite.All reach everything; Application.ReadWrite.OwnedBy creates
 * objects and manages only those it owns (reads follow the ownedByReadScope setting).
 */
export const can = {
  readAll: (caller: Caller) => hasAny(caller, READ_ALL),
  writeAll: (caller: Caller) => hasAny(caller, WRITE_ALL),
  ownedBy: (caller: Caller) => caller.permissions.has(OWNED_BY),
  create: (caller: Caller) => hasAny(caller, WRITE_ALL) || caller.permissions.has(OWNED_BY),
  list: (ctx: EmulatorContext, caller: Caller) => hasAny(caller, READ_ALL) || caller.permissions.has(OWNED_BY),
  read: (ctx: EmulatorContext, caller: Caller, record: DirectoryRecord) =>
    hasAny(caller, READ_ALL) || (caller.permissions.has(OWNED_BY) && (ctx.settings.ownedByReadScope === 'all' || owns(caller, record))),
  write: (caller: Caller, record: DirectoryRecord) => hasAny(caller, WRITE_ALL) || (caller.permissions.has(OWNED_BY) && owns(caller, record)),
  assignRoles: (caller: Caller) => caller.permissions.has('AppRoleAssignment.ReadWrite.All') && hasAny(caller, READ_ALL),
  readAudit: (caller: Caller) => caller.permissions.has('AuditLog.Read.All'),
  readPolicy: (caller: Caller) => hasAny(caller, ['Policy.Read.All', 'Policy.ReadWrite.ApplicationConfiguration']),
};

export function owns(caller: Caller, record: DirectoryRecord): boolean {
  return record.owners.includes(caller.servicePrincipalId);
}

export function ensure(allowed: boolean): void {
  if (!allowed) throw denied();
}

/**
 * Sign-in logs and sign-in activity reports: AuditLog.Read.All first (403 Authorization_RequestDenied), then the
 * tenant's licence (403 Authentication_RequestFromNonPremiumTenantOrB2CTenant without P1/P2). Directory audits need
 * only the permission: free tenants have them too.
 */
export function ensureSignInReports(caller: Caller): void {
  ensure(can.readAudit(caller));
  if (caller.tenant.licence === 'free') throw nonPremiumTenant();
}

/** Whether OwnedBy list results must be limited to owned objects. */
export function listOnlyOwned(ctx: EmulatorContext, caller: Caller): boolean {
  return !hasAny(caller, READ_ALL) && ctx.settings.ownedByReadScope === 'owned';
}
