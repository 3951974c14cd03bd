import type { EmulatorResponse } from '../http.ts';
import { json, noContent } from '../http.ts';
import { patchPolicy, policyBody } from '../directory/policies.ts';
import { ACTIVITY, auditEntry } from '../logs/audit.ts';
import { body, type GraphCall } from './call.ts';
import { can, ensure } from './permissions.ts';

export function getDefaultAppManagementPolicy(call: GraphCall): EmulatorResponse {
  ensure(can.readPolicy(call.caller));
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#policies/defaultAppManagementPolicy/$entity`, ...policyBody(call.tenant.policy) });
}

export function patchDefaultAppManagementPolicy(call: GraphCall): EmulatorResponse {
  ensure(call.caller.permissions.has('Policy.ReadWrite.ApplicationConfiguration'));
  call.tenant.policy = patchPolicy(call.tenant.policy, body(call));
  call.tenant.audits.push(auditEntry({ activity: ACTIVITY.updatePolicy, operationType: 'Update', actor: call.change.actor, nowMs: call.nowMs, target: { id: call.tenant.policy.id, displayName: 'Default app management tenant policy', type: 'Policy' } }));
  return noContent();
}
