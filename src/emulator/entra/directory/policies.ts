import type { AppManagementPolicy, GraphJson } from './model.ts';
import { badRequest } from './errors.ts';

/** tenantAppManagementPolicy as Graph shows it at /policies/defaultAppManagementPolicy. */
export function policyBody(policy: AppManagementPolicy): GraphJson {
  const passwordCredentials: GraphJson[] = [];
  if (policy.passwordMaxLifetime) {
    passwordCredentials.push({ restrictionType: 'passwordLifetime', maxLifetime: policy.passwordMaxLifetime, restrictForAppsCreatedAfterDateTime: '2000-01-01T00:00:00Z', state: 'enabled' });
  }
  if (policy.passwordAdditionBlocked) {
    passwordCredentials.push({ restrictionType: 'passwordAddition', maxLifetime: null, restrictForAppsCreatedAfterDateTime: '2000-01-01T00:00:00Z', state: 'enabled' });
  }
  return {
    id: policy.id,
    displayName: 'Default app management tenant policy',
    description: 'Default tenant policy that enforces app management restrictions on applications and service principals.',
    isEnabled: policy.isEnabled,
    applicationRestrictions: { passwordCredentials, keyCredentials: [] },
    servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
  };
}

/**
 * Accepts Graph's PATCH shape (`{isEnabled, applicationRestrictions:{passwordCredentials:[{restrictionType,maxLifetime}]}}`)
 * and keeps the two restrictions the emulator enforces.
 */
export function patchPolicy(policy: AppManagementPolicy, input: GraphJson): AppManagementPolicy {
  const next: AppManagementPolicy = { ...policy };
  if (typeof input.isEnabled === 'boolean') next.isEnabled = input.isEnabled;
  const restrictions = (input.applicationRestrictions as GraphJson | undefined)?.passwordCredentials;
  if (Array.isArray(restrictions)) {
    delete next.passwordMaxLifetime;
    delete next.passwordMaxLifetimeMs;
    next.passwordAdditionBlocked = false;
    for (const r of restrictions as GraphJson[]) {
      if (r.state === 'disabled') continue;
      if (r.restrictionType === 'passwordLifetime') {
        if (typeof r.maxLifetime !== 'string') throw badRequest('maxLifetime is required for passwordLifetime.');
        next.passwordMaxLifetime = r.maxLifetime;
        next.passwordMaxLifetimeMs = isoDurationMs(r.maxLifetime);
      } else if (r.restrictionType === 'passwordAddition') {
        next.passwordAdditionBlocked = true;
      }
    }
  }
  return next;
}

/** ISO-8601 durations as Graph uses them for lifetimes (P90D, P1Y, PT12H…); years are 365 days. */
export function isoDurationMs(duration: string): number {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration);
  if (!m || duration === 'P' || duration.endsWith('T')) throw badRequest(`Invalid ISO-8601 duration '${duration}'.`);
  const [, y, mo, d, h, mi, s] = m.map((v) => Number(v ?? 0));
  const day = 24 * 3600 * 1000;
  return y! * 365 * day + mo! * 30 * day + d! * day + h! * 3600 * 1000 + mi! * 60 * 1000 + s! * 1000;
}
