import { GatehouseError } from '../../core/errors.ts';
import type { IdpErrorExtras } from '../../core/ports/identity.ts';

/**
 * Turns what Entra says into errors an administrator can act on. Branches only on codes (AADSTS numbers,
 * Graph `error.code`), never on message text, and never copies anything that could hold a secret.
 */

export interface ErrorContext {
  /** How the admin names this provider in Gatehouse, for "run `gatehouse provider update <label>`". */
  providerLabel: string;
  clientId: string;
  tenant: string;
  authorityHost: string;
}

export function idpRejected(idpCode: string, detail: string, hint: string, more: Partial<IdpErrorExtras> = {}): GatehouseError {
  return new GatehouseError('IDP_REJECTED', detail, { idpCode, hint, ...more } satisfies IdpErrorExtras);
}

export function idpUnavailable(idpCode: string, detail: string, hint: string, more: Partial<IdpErrorExtras> = {}): GatehouseError {
  return new GatehouseError('IDP_UNAVAILABLE', detail, { idpCode, hint, ...more } satisfies IdpErrorExtras);
}

const portal = (c: ErrorContext) => `Entra admin center → App registrations → ${c.clientId}`;
const update = (c: ErrorContext) => `gatehouse provider update ${c.providerLabel}`;

/** STS (token endpoint) failures, by AADSTS number. */
export function stsError(aadsts: string | null, oauthError: string, c: ErrorContext): GatehouseError {
  const code = aadsts ? `AADSTS${aadsts}` : oauthError || 'sts_error';
  switch (aadsts) {
    case '7000222':
      return idpRejected(code, `The platform app's client secret has expired (app ${c.clientId}).`,
        `Create a new secret in ${portal(c)} → Certificates & secrets, then store it with \`${update(c)} --client-secret <value>\`. ` +
        'Consider a certificate credential, which Gatehouse can roll itself.');
    case '7000215':
      return idpRejected(code, `Entra refused the platform app's client secret (app ${c.clientId}).`,
        `Use the secret's Value, not its Secret ID, from ${portal(c)} → Certificates & secrets; store it with \`${update(c)} --client-secret <value>\`.`);
    case '700016':
      return idpRejected(code, `No application with client id ${c.clientId} exists in tenant ${c.tenant}.`,
        'Check the provider\'s clientId (Application (client) ID on the app\'s overview page) and that the app is registered in this tenant, not another one.');
    case '90002':
      return idpRejected(code, `Tenant ${c.tenant} was not found at ${c.authorityHost}.`,
        'Check tenantId (Directory (tenant) ID on the Entra overview page) and the provider\'s cloud: a US Government or China tenant is not in the global cloud.');
    case '7000229':
      return idpRejected(code, `The platform app ${c.clientId} has no service principal in tenant ${c.tenant}.`,
        'An administrator must create it (Enterprise applications → New, or `az ad sp create --id <clientId>`) and grant admin consent.');
    case '700027':
    case '700024':
      return idpRejected(code, `Entra refused the platform app's certificate assertion (AADSTS${aadsts}).`,
        `Check that the certificate uploaded in ${portal(c)} → Certificates & secrets matches the private key Gatehouse holds, and that this machine's clock is correct.`);
    case '7000112':
      return idpRejected(code, `The platform app ${c.clientId} is disabled in tenant ${c.tenant}.`,
        'An administrator must enable the application (Enterprise applications → Properties → Enabled for users to sign in).');
    case '500011':
      return idpRejected(code, 'Entra does not know the requested resource in this tenant.',
        'The resource app has no service principal; re-run the environment\'s resource app setup.');
    default:
      return idpRejected(code, `Entra refused the token request (${code}).`,
        `Check the provider's tenantId, clientId and credential in ${portal(c)}; the Entra sign-in logs (Service principal sign-ins) show the same code.`);
  }
}

/** Graph answers that are final (not retried). */
export function graphError(status: number, code: string, c: ErrorContext, operation: string): GatehouseError {
  const idpCode = code || `HTTP ${status}`;
  if (status === 403 && code === 'Directory_ResourceSizeExceeded') {
    return idpRejected(idpCode, `Microsoft Graph refused ${operation}: the object holds too many credentials.`,
      'Remove expired secrets/certificates from the application, then retry.', { idpStatus: status });
  }
  if (code === 'CredentialInvalidLifetimeAsPerAppPolicy') {
    return idpRejected(idpCode, `A tenant app-management policy rejected the credential lifetime during ${operation}.`,
      'Lower the environment\'s credentialLifetimeDays to at most the policy\'s maxLifetime (Entra admin center → ' +
      'Enterprise applications → Application policies, or GET /policies/defaultAppManagementPolicy), then retry.',
      { idpStatus: status });
  }
  if (code === 'CredentialTypeNotAllowedAsPerAppPolicy') {
    return idpRejected(idpCode, `A tenant app-management policy forbids adding this credential type (${operation}).`,
      'Ask an administrator to exempt the platform app from the passwordAddition restriction, or use certificates.', { idpStatus: status });
  }
  if (status === 403 || code === 'Authorization_RequestDenied') {
    return idpRejected(idpCode, `Microsoft Graph denied ${operation} to the platform app ${c.clientId}.`,
      operation.includes('app role')
        ? 'Granting app roles needs the Microsoft Graph application permissions AppRoleAssignment.ReadWrite.All and Application.Read.All with admin consent.'
        : `The platform app needs the Microsoft Graph application permission Application.ReadWrite.OwnedBy with admin consent ` +
          `(${portal(c)} → API permissions → Grant admin consent), and must own the object it changes.`,
      { idpStatus: status });
  }
  if (status === 401) {
    return idpRejected(idpCode, `Microsoft Graph did not accept the platform app's token (${operation}).`,
      'Check that graphHost belongs to the same cloud as the authority host and that the machine\'s clock is correct.', { idpStatus: status });
  }
  if (/quota/i.test(code)) {
    return idpRejected(idpCode, `The directory object quota was reached during ${operation}.`,
      'The platform app may own at most ~250 objects, soft-deleted ones included: purge deleted apps (gatehouse reconcile) or raise the quota.',
      { idpStatus: status });
  }
  return idpRejected(idpCode, `Microsoft Graph rejected ${operation} (HTTP ${status}, ${idpCode}).`,
    'See the Entra audit log for the same operation; if it persists, report it with the request id from the logs.', { idpStatus: status });
}

/**
 * A sign-in report refused with 403: the tenant's licence (no Entra ID P1/P2) or the platform app's permission
 * (AuditLog.Read.All). Both are optional extras for Gatehouse, so the hints say what they would add.
 */
export function signInReportRefused(code: string, c: ErrorContext, operation: string): GatehouseError {
  if (code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
    return new GatehouseError('IDP_FEATURE_UNAVAILABLE', `Entra refused to ${operation}: tenant ${c.tenant} has no Microsoft Entra ID P1/P2 licence.`, {
      idpCode: code, idpStatus: 403,
      hint: 'Entra\'s sign-in activity reports need Microsoft Entra ID P1 or P2 in the tenant. Without it, Gatehouse knows a ' +
        'credential\'s last use from the gateway only; nothing else is affected.',
    } satisfies IdpErrorExtras);
  }
  return new GatehouseError('IDP_PERMISSION_MISSING', `Microsoft Graph denied the platform app ${c.clientId} to ${operation}.`, {
    idpCode: code || 'HTTP 403', idpStatus: 403, permission: 'AuditLog.Read.All',
    hint: `Optional: add the Microsoft Graph application permission AuditLog.Read.All in ${portal(c)} → API permissions and grant ` +
      'admin consent, so Gatehouse can read each credential\'s last sign-in from Entra (needs Entra ID P1/P2). ' +
      'Without it, last use comes from the gateway only.',
  } satisfies IdpErrorExtras & { permission: string });
}
