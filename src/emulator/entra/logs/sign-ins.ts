import type { SignInRecord, Tenant } from '../directory/tenant.ts';
import { newGuid } from '../directory/secrets.ts';

/** Every token request lands here, success or failure, feeding the beta sign-in reports. */
export function recordSignIn(tenant: Tenant, entry: Omit<SignInRecord, 'id'>): void {
  tenant.signIns.push({ id: newGuid(), ...entry });
  if (tenant.signIns.length > 10_000) tenant.signIns.splice(0, tenant.signIns.length - 10_000);
}
