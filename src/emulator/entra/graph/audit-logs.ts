import type { EmulatorResponse } from '../http.ts';
import { json } from '../http.ts';
import type { GraphJson } from '../directory/model.ts';
import { notFound } from '../directory/errors.ts';
import type { GraphCall } from './call.ts';
import { can, ensure, ensureSignInReports } from './permissions.ts';
import { listResponse } from './odata.ts';

/** GET /auditLogs/directoryAudits (newest first, as Graph returns them). Needs AuditLog.Read.All. */
export function listDirectoryAudits(call: GraphCall): EmulatorResponse {
  ensure(can.readAudit(call.caller));
  const items = [...call.tenant.audits].reverse();
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#auditLogs/directoryAudits`));
}

export function getDirectoryAudit(call: GraphCall, id: string): EmulatorResponse {
  ensure(can.readAudit(call.caller));
  const entry = call.tenant.audits.find((a) => a.id === id);
  if (!entry) throw notFound(id);
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#auditLogs/directoryAudits/$entity`, ...entry });
}

/**
 * beta GET /auditLogs/signIns: service-principal sign-ins from the emulator's own token endpoint, failures included.
 * Needs AuditLog.Read.All and Entra ID P1/P2.
 */
export function listSignIns(call: GraphCall): EmulatorResponse {
  ensureSignInReports(call.caller);
  const items: GraphJson[] = [...call.tenant.signIns].reverse().map((s) => ({
    id: s.id,
    createdDateTime: new Date(s.createdAtMs).toISOString(),
    appId: s.appId,
    appDisplayName: s.appDisplayName,
    servicePrincipalId: s.servicePrincipalId ?? '00000000-0000-0000-0000-000000000000',
    servicePrincipalName: s.appDisplayName,
    servicePrincipalCredentialKeyId: s.credentialKeyId,
    clientCredentialType: s.clientCredentialType,
    resourceId: s.resourceAppId,
    resourceServicePrincipalId: s.resourceId,
    resourceDisplayName: s.resourceDisplayName,
    signInEventTypes: ['servicePrincipal'],
    isInteractive: false,
    ipAddress: '127.0.0.1',
    correlationId: s.id,
    status: { errorCode: s.errorCode, failureReason: s.failureReason ?? 'Other.', additionalDetails: null },
  }));
  return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#auditLogs/signIns`));
}
