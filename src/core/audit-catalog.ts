/**
 * Every audit event type Gatehouse writes: `<entity>.<past-tense verb>`. Adding a type here is the only way to
 * write it (services take `AuditType`), so this file is the complete vocabulary of the audit log.
 * For IdP writes, `ENTRA_ACTIVITY` names the activity Entra's own directory audit log records for the same call.
 */
export const AUDIT_TYPES = [
  'environment.created', 'environment.updated', 'environment.deleted',
  'provider.created', 'provider.updated', 'provider.deleted', 'provider.checked',
  'api.created', 'api.updated', 'api.deleted',
  'tier.created', 'tier.updated', 'tier.deleted',
  'app.created', 'app.updated', 'app.deleted', 'app.registered', 'app.unregistered', 'app.purged', 'app.imported',
  'contract.requested', 'contract.approved', 'contract.rejected', 'contract.revoked',
  'credential.added', 'credential.retiring', 'credential.removed', 'credential.imported', 'credential.alerted',
  'token.created', 'token.revoked',
  'resource_app.created', 'app_role.granted', 'app_role.revoked',
  'reconcile.repaired', 'reconcile.completed',
] as const;

export type AuditType = (typeof AUDIT_TYPES)[number];

/** Entra directory-audit activity names (reference/entra-graph.md §5), keyed by the Graph call we made. */
export const ENTRA_ACTIVITY = {
  createApplication: 'Add application',
  updateApplication: 'Update application',
  deleteApplication: 'Delete application',
  hardDeleteApplication: 'Hard Delete application',
  restoreApplication: 'Restore application',
  addPassword: 'Update application – Certificates and secrets management',
  removePassword: 'Update application – Certificates and secrets management',
  addServicePrincipal: 'Add service principal',
  addAppRoleAssignment: 'Add app role assignment to service principal',
  removeAppRoleAssignment: 'Remove app role assignment from service principal',
  addOwner: 'Add owner to application',
} as const;
