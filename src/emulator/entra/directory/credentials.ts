import type { ApplicationRecord, GraphJson } from './model.ts';
import type { Change } from './applications.ts';
import { ACTIVITY, auditEntry, keyDescription } from '../logs/audit.ts';
import { DirectoryError, badRequest } from './errors.ts';
import { generateClientSecret, hashClientSecret, newGuid } from './secrets.ts';

const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000 + 24 * 3600 * 1000;

/**
 * addPassword: the only moment the secret text exists outside the caller. Defaults follow Entra (start = now,
 * end = start + 2 years); a tenant app management policy can cap the lifetime or forbid passwords.
 */
export function addPassword(change: Change, record: ApplicationRecord, input: unknown): GraphJson {
  const { tenant, nowMs, actor } = change;
  const requested = readPasswordCredential(input);
  const startMs = requested.startDateTime ? Date.parse(requested.startDateTime) : nowMs;
  const endMs = requested.endDateTime ? Date.parse(requested.endDateTime) : startMs + TWO_YEARS_MS;
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs <= startMs) {
    throw badRequest('Invalid value specified for property \'endDateTime\' of resource \'PasswordCredential\'.');
  }
  const policy = tenant.policy;
  if (policy.isEnabled && policy.passwordAdditionBlocked) {
    throw new DirectoryError(400, 'CredentialTypeNotAllowedAsPerAppPolicy', `Password addition is not allowed as per assigned policy '${policy.id}'.`);
  }
  if (policy.isEnabled && policy.passwordMaxLifetimeMs !== undefined && endMs - startMs > policy.passwordMaxLifetimeMs) {
    throw new DirectoryError(400, 'CredentialInvalidLifetimeAsPerAppPolicy', `Credential lifetime exceeds the max value allowed as per assigned policy '${policy.id}'.`);
  }
  const secretText = generateClientSecret();
  const keyId = newGuid();
  const credential: GraphJson = {
    customKeyIdentifier: null,
    displayName: requested.displayName ?? null,
    endDateTime: new Date(endMs).toISOString(),
    hint: secretText.slice(0, 3),
    keyId,
    secretText: null,
    startDateTime: new Date(startMs).toISOString(),
  };
  record.body = { ...record.body, passwordCredentials: [...(record.body.passwordCredentials as GraphJson[]), credential] };
  record.secrets.push({ keyId, hash: hashClientSecret(secretText), startMs, endMs, addedAtMs: nowMs });
  const target = { id: record.id, displayName: record.body.displayName, type: 'Application' as const };
  tenant.audits.push(auditEntry({
    activity: ACTIVITY.credentials, operationType: 'Update', actor, nowMs, target,
    modifiedProperties: [
      { displayName: 'KeyDescription', oldValue: '[]', newValue: keyDescription([{ keyId, type: 'Password', usage: 'Verify', displayName: credential.displayName }]) },
      { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
    ],
  }));
  tenant.audits.push(auditEntry({ activity: ACTIVITY.updateApplication, operationType: 'Update', actor, nowMs, target }));
  return { ...credential, secretText };
}

export function removePassword(change: Change, record: ApplicationRecord, input: unknown): void {
  const { tenant, nowMs, actor } = change;
  const keyId = (input as GraphJson | null)?.keyId;
  if (typeof keyId !== 'string' || !/^[0-9a-f-]{36}$/i.test(keyId)) throw badRequest("Invalid value specified for property 'keyId'.");
  const existing = (record.body.passwordCredentials as GraphJson[]).find((c) => c.keyId === keyId);
  if (!existing) {
    throw new DirectoryError(404, 'Request_ResourceNotFound', `No password credential found with keyId '${keyId}'.`);
  }
  record.body = { ...record.body, passwordCredentials: (record.body.passwordCredentials as GraphJson[]).filter((c) => c !== existing) };
  record.secrets = record.secrets.filter((s) => s.keyId !== keyId);
  const target = { id: record.id, displayName: record.body.displayName, type: 'Application' as const };
  tenant.audits.push(auditEntry({
    activity: ACTIVITY.credentials, operationType: 'Update', actor, nowMs, target,
    modifiedProperties: [
      { displayName: 'KeyDescription', oldValue: keyDescription([{ keyId, type: 'Password', usage: 'Verify', displayName: existing.displayName }]), newValue: '[]' },
      { displayName: 'Included Updated Properties', oldValue: null, newValue: '"KeyDescription"' },
    ],
  }));
  tenant.audits.push(auditEntry({ activity: ACTIVITY.updateApplication, operationType: 'Update', actor, nowMs, target }));
}

function readPasswordCredential(input: unknown): { displayName?: string; startDateTime?: string; endDateTime?: string } {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') throw badRequest('The request body must be a JSON object.');
  const pc = (input as GraphJson).passwordCredential;
  if (pc === undefined || pc === null) return {};
  if (typeof pc !== 'object') throw badRequest("Invalid value specified for property 'passwordCredential'.");
  const out: { displayName?: string; startDateTime?: string; endDateTime?: string } = {};
  for (const name of ['displayName', 'startDateTime', 'endDateTime'] as const) {
    const value = (pc as GraphJson)[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw badRequest(`Invalid value specified for property '${name}' of resource 'PasswordCredential'.`);
    out[name] = value;
  }
  return out;
}
