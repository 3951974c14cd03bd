import { randomUUID } from 'node:crypto';
import { json, type EmulatorResponse } from '../http.ts';

type OAuthError = 'invalid_client' | 'unauthorized_client' | 'invalid_resource' | 'invalid_scope' | 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type';

/** A token-endpoint refusal with its AADSTS code; rendered in Entra's JSON error shape. */
export class AadstsError extends Error {
  constructor(
    readonly code: number,
    readonly error: OAuthError,
    readonly httpStatus: number,
    readonly description: string,
  ) {
    super(`AADSTS${code}: ${description}`);
  }
}

/** The AADSTS errors the emulator produces, with Entra's wording (abridged where Entra appends links). */
export const aadsts = {
  invalidSecret: (appId: string) => new AadstsError(7000215, 'invalid_client', 401,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`),
  expiredSecret: (appId: string) => new AadstsError(7000222, 'invalid_client', 401,
    `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`),
  appNotFound: (appId: string, tenant: string) => new AadstsError(700016, 'unauthorized_client', 400,
    `Application with identifier '${appId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  missingClientSp: (appId: string, tenantId: string) => new AadstsError(7000229, 'invalid_client', 400,
    `The client application ${appId} is missing service principal in the tenant ${tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`),
  resourceNotFound: (resource: string, tenant: string) => new AadstsError(500011, 'invalid_resource', 400,
    `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
  notAssigned: (appId: string, name: unknown, resourceAppId: string) => new AadstsError(501051, 'invalid_grant', 400,
    `Application '${appId}'(${name ?? ''}) is not assigned to a role for the application '${resourceAppId}'(${''}).`),
  scopeNotDefault: (scope: string) => new AadstsError(1002012, 'invalid_scope', 400,
    `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  invalidScope: (scope: string) => new AadstsError(70011, 'invalid_scope', 400,
    `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`),
  tenantNotFound: (tenant: string) => new AadstsError(90002, 'invalid_request', 400,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  appDisabled: (appId: string) => new AadstsError(7000112, 'unauthorized_client', 400,
    `Application '${appId}' is disabled.`),
  assertionInvalidSignature: (detail: string) => new AadstsError(700027, 'invalid_client', 401,
    `Client assertion failed signature validation. ${detail}`),
  assertionExpired: () => new AadstsError(700024, 'invalid_client', 401,
    'Client assertion is not within its valid time range.'),
  assertionAudience: (aud: unknown) => new AadstsError(700021, 'invalid_client', 401,
    `Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds. Audience: ${String(aud)}`),
  missingParameter: (name: string) => new AadstsError(900144, 'invalid_request', 400,
    `The request body must contain the following parameter: '${name}'.`),
  missingCredential: () => new AadstsError(7000218, 'invalid_client', 401,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
  unsupportedGrant: (grant: string) => new AadstsError(70003, 'unsupported_grant_type', 400,
    `The app requested an unsupported grant type '${grant}'.`),
};

export function aadstsResponse(err: AadstsError, nowMs: number): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(nowMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return json(err.httpStatus, {
    error: err.error,
    error_description: `AADSTS${err.code}: ${err.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${err.code}`,
  }, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
}
