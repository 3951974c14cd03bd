import type { GraphJson } from '../directory/model.ts';
import { newGuid } from '../directory/secrets.ts';

/** Who made a directory change: an app through Graph, or the emulator's admin (shown as a user, as a portal admin would be). */
export type Actor = { appId: string; displayName: string | null; servicePrincipalId: string } | { admin: string };

/** Entra's activity names (audit activity reference). Credential changes use the en dash, as real events do. */
export const ACTIVITY = {
  addApplication: 'Add application',
  updateApplication: 'Update application',
  credentials: 'Update application – Certificates and secrets management',
  deleteApplication: 'Delete application',
  hardDeleteApplication: 'Hard Delete application',
  restoreApplication: 'Restore application',
  addOwnerToApplication: 'Add owner to application',
  removeOwnerFromApplication: 'Remove owner from application',
  addServicePrincipal: 'Add service principal',
  updateServicePrincipal: 'Update service principal',
  removeServicePrincipal: 'Remove service principal',
  hardDeleteServicePrincipal: 'Hard delete service principal',
  restoreServicePrincipal: 'Restore service principal',
  addAppRoleAssignment: 'Add app role assignment to service principal',
  removeAppRoleAssignment: 'Remove app role assignment from service principal',
  updatePolicy: 'Update policy',
} as const;

export interface AuditInput {
  activity: string;
  operationType: 'Add' | 'Update' | 'Delete' | 'Assign' | 'Unassign';
  actor: Actor;
  target: { id: string; displayName: unknown; type: 'Application' | 'ServicePrincipal' | 'Policy' };
  modifiedProperties?: { displayName: string; oldValue: string | null; newValue: string | null }[];
  nowMs: number;
}

/** A directoryAudit exactly as /auditLogs/directoryAudits returns it. */
export function auditEntry(input: AuditInput): GraphJson {
  const actor = input.actor;
  return {
    id: `Directory_${newGuid()}`,
    category: input.target.type === 'Policy' ? 'Policy' : 'ApplicationManagement',
    correlationId: newGuid(),
    result: 'success',
    resultReason: '',
    activityDisplayName: input.activity,
    activityDateTime: new Date(input.nowMs).toISOString(),
    loggedByService: 'Core Directory',
    operationType: input.operationType,
    initiatedBy: 'admin' in actor
      ? { app: null, user: { id: newGuid(), displayName: null, userPrincipalName: actor.admin, ipAddress: '127.0.0.1', userType: 'member', homeTenantId: null, homeTenantName: null } }
      : { app: { appId: actor.appId, displayName: actor.displayName, servicePrincipalId: actor.servicePrincipalId, servicePrincipalName: actor.displayName }, user: null },
    targetResources: [{
      id: input.target.id,
      displayName: typeof input.target.displayName === 'string' ? input.target.displayName : null,
      type: input.target.type,
      userPrincipalName: null,
      groupType: null,
      modifiedProperties: input.modifiedProperties ?? [],
    }],
    additionalDetails: [{ key: 'User-Agent', value: 'EntraEmulator' }],
  };
}

/** The KeyDescription entry of a credential event: key id, type, usage and name, never the secret. */
export function keyDescription(keys: { keyId: string; type: 'Password' | 'AsymmetricX509Cert'; usage: string; displayName: unknown }[]): string {
  return JSON.stringify(keys.map((k) => `[KeyIdentifier=${k.keyId},KeyType=${k.type},KeyUsage=${k.usage},DisplayName=${k.displayName ?? ''}]`));
}
