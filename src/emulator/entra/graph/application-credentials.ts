import { jwtVerify } from 'jose';
import type { EmulatorResponse } from '../http.ts';
import { json, noContent } from '../http.ts';
import type { ApplicationRecord, GraphJson } from '../directory/model.ts';
import { addPassword, removePassword } from '../directory/credentials.ts';
import { parseKeyCredential } from '../directory/certificates.ts';
import { DirectoryError, badRequest, notFound } from '../directory/errors.ts';
import { ACTIVITY, auditEntry, keyDescription } from '../logs/audit.ts';
import { body, findApplication, replicated, type GraphCall, type ObjectKey } from './call.ts';

const AAD_GRAPH_AUDIENCE = '00000002-0000-0000-c000-000000000000';

export function addPasswordCall(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const record = findApplication(call, key, 'write');
  const credential = addPassword(call.change, record, body(call));
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#microsoft.graph.passwordCredential`, ...credential });
}

export function removePasswordCall(call: GraphCall, key: ObjectKey): EmulatorResponse {
  const record = findApplication(call, key, 'write');
  removePassword(call.change, record, body(call));
  return noContent();
}

/**
 * addKey needs no Graph permission: the caller proves possession of a currently valid certificate on the object
 * with a JWT (aud 00000002-0000-0000-c000-000000000000, iss = the object id, lifetime ≤ 10 minutes).
 */
export async function addKeyCall(call: GraphCall, key: ObjectKey): Promise<EmulatorResponse> {
  const record = findForProof(call, key);
  const input = body(call);
  await verifyProof(call, record, input.proof);
  const kc = input.keyCredential;
  if (!kc || typeof kc !== 'object') throw badRequest("Invalid value specified for property 'keyCredential'.");
  if (input.passwordCredential) throw badRequest('Adding a password with addKey is only supported for symmetric keys.');
  const parsed = parseKeyCredential(kc as GraphJson, call.nowMs);
  record.body = { ...record.body, keyCredentials: [...(record.body.keyCredentials as GraphJson[]), parsed.credential] };
  record.certificates.push(parsed.stored);
  audit(call, record, '[]', keyDescription([{ keyId: parsed.stored.keyId, type: 'AsymmetricX509Cert', usage: parsed.stored.usage, displayName: parsed.credential.displayName }]));
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#microsoft.graph.keyCredential`, ...parsed.credential, key: null });
}

export async function removeKeyCall(call: GraphCall, key: ObjectKey): Promise<EmulatorResponse> {
  const record = findForProof(call, key);
  const input = body(call);
  await verifyProof(call, record, input.proof);
  const keyId = input.keyId;
  const existing = (record.body.keyCredentials as GraphJson[]).find((k) => k.keyId === keyId);
  if (typeof keyId !== 'string' || !existing) throw new DirectoryError(404, 'Request_ResourceNotFound', `No key credential found with keyId '${String(keyId)}'.`);
  record.body = { ...record.body, keyCredentials: (record.body.keyCredentials as GraphJson[]).filter((k) => k !== existing) };
  record.certificates = record.certificates.filter((c) => c.keyId !== keyId);
  audit(call, record, keyDescription([{ keyId, type: 'AsymmetricX509Cert', usage: String(existing.usage), displayName: existing.displayName }]), '[]');
  return noContent();
}

function findForProof(call: GraphCall, key: ObjectKey): ApplicationRecord {
  const t = call.tenant;
  const rec = 'id' in key ? t.application(key.id) : 'appId' in key ? t.applicationByAppId(key.appId) : t.applicationByUniqueName(key.uniqueName);
  if (!rec || !replicated(call, rec)) throw notFound(Object.values(key)[0]!);
  return rec;
}

async function verifyProof(call: GraphCall, record: ApplicationRecord, proof: unknown): Promise<void> {
  if (typeof proof !== 'string' || proof.split('.').length !== 3 || proof.includes('=')) {
    throw new DirectoryError(401, 'Authentication_MissingOrMalformed', 'Access Token missing or malformed.');
  }
  const valid = record.certificates.filter((c) => c.startMs <= call.nowMs && call.nowMs < c.endMs);
  if (valid.length === 0) throw badRequest('The application has no valid certificate credential to verify the proof of possession.');
  for (const cert of valid) {
    try {
      const { payload } = await jwtVerify(proof, cert.publicKey, { algorithms: ['RS256', 'PS256'], currentDate: new Date(call.nowMs), audience: AAD_GRAPH_AUDIENCE });
      if (payload.iss !== record.id) throw badRequest('Proof of possession: the issuer must be the object id of the application.');
      if (typeof payload.nbf !== 'number' || typeof payload.exp !== 'number' || payload.exp - payload.nbf > 600) {
        throw badRequest('Proof of possession: the token lifetime must not exceed 10 minutes.');
      }
      return;
    } catch (err) {
      if (err instanceof DirectoryError) throw err;
    }
  }
  throw new DirectoryError(401, 'Authentication_MissingOrMalformed', 'Proof of possession token validation failed.');
}

function audit(call: GraphCall, record: ApplicationRecord, oldValue: string, newValue: string): void {
  call.tenant.audits.push(auditEntry({
    activity: ACTIVITY.credentials, operationType: 'Update', actor: call.change.actor, nowMs: call.nowMs,
    target: { id: record.id, displayName: record.body.displayName, type: 'Application' },
    modifiedProperties: [
      { displayName: 'KeyDescription', oldValue, newValue },
      { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
    ],
  }));
}
