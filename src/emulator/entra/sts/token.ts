import type { EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { header, json } from '../http.ts';
import type { Tenant } from '../directory/tenant.ts';
import { recordSignIn } from '../logs/sign-ins.ts';
import { AadstsError, aadsts, aadstsResponse } from './errors.ts';
import { authenticateClient, claimedClientId, type AuthenticatedClient } from './client-auth.ts';
import { mintAccessToken } from './mint.ts';

/**
 * POST /{tenant}/oauth2/v2.0/token (scope=…/.default) and the v1 /{tenant}/oauth2/token (resource=…), grant
 * client_credentials. Checks run in Entra's order so each failure surfaces the AADSTS code a real tenant gives.
 */
export async function tokenEndpoint(ctx: EmulatorContext, req: EmulatorRequest, tenantSegment: string, endpointVersion: 1 | 2): Promise<EmulatorResponse> {
  const nowMs = ctx.clock.now();
  const form = new URLSearchParams(req.rawBody);
  const tenant = ctx.directory.resolve(tenantSegment);
  let client: AuthenticatedClient | undefined;
  try {
    if (!tenant) throw aadsts.tenantNotFound(tenantSegment);
    const grantType = form.get('grant_type');
    if (!grantType) throw aadsts.missingParameter('grant_type');
    if (grantType !== 'client_credentials') throw aadsts.unsupportedGrant(grantType);
    client = await authenticateClient(ctx, tenant, {
      form,
      authorization: header(req, 'authorization'),
      assertionAudiences: assertionAudiences(ctx, tenant, tenantSegment),
    });
    const clientSp = tenant.servicePrincipalByAppId(client.app.appId);
    if (!clientSp) throw aadsts.missingClientSp(client.app.appId, tenant.id);
    const identifier = requestedResource(form, endpointVersion);
    const resource = tenant.resourceServicePrincipal(identifier);
    if (!resource || nowMs < resource.createdAtMs + ctx.faults.replicationDelayMs) throw aadsts.resourceNotFound(identifier, tenant.id);
    if (resource.body.appRoleAssignmentRequired === true && !resource.assignedTo.some((a) => a.principalId === clientSp.id)) {
      throw aadsts.notAssigned(client.app.appId, client.app.body.displayName, resource.appId);
    }
    const minted = await mintAccessToken(ctx, { tenant, client: { app: client.app, sp: clientSp, acr: client.acr }, resource, requestedIdentifier: identifier });
    recordSignIn(tenant, {
      createdAtMs: nowMs, appId: client.app.appId, servicePrincipalId: clientSp.id, appDisplayName: client.app.body.displayName as string,
      resourceId: resource.id, resourceAppId: resource.appId, resourceDisplayName: resource.body.displayName as string,
      credentialKeyId: client.credentialKeyId, clientCredentialType: client.credentialType, errorCode: 0, failureReason: null,
    });
    return tokenResponse(minted, identifier, endpointVersion);
  } catch (err) {
    if (!(err instanceof AadstsError)) throw err;
    if (tenant) logFailure(tenant, form, req, client, err, nowMs);
    return aadstsResponse(err, nowMs);
  }
}

function requestedResource(form: URLSearchParams, endpointVersion: 1 | 2): string {
  if (endpointVersion === 1) {
    const resource = form.get('resource');
    if (!resource) throw aadsts.missingParameter('resource');
    return resource;
  }
  const scope = form.get('scope');
  if (scope === null) throw aadsts.missingParameter('scope');
  const scopes = scope.split(' ').filter((s) => s !== '');
  if (scopes.length !== 1) throw aadsts.invalidScope(scope);
  if (!scopes[0]!.endsWith('/.default')) throw aadsts.scopeNotDefault(scope);
  const identifier = scopes[0]!.slice(0, -'/.default'.length);
  if (identifier === '') throw aadsts.invalidScope(scope);
  return identifier;
}

function tokenResponse(minted: Awaited<ReturnType<typeof mintAccessToken>>, resource: string, endpointVersion: 1 | 2): EmulatorResponse {
  const noStore = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' };
  if (endpointVersion === 2) {
    return json(200, { token_type: 'Bearer', expires_in: minted.expiresIn, ext_expires_in: minted.expiresIn, access_token: minted.accessToken }, noStore);
  }
  // The v1 endpoint serialises numbers as strings.
  return json(200, {
    token_type: 'Bearer', expires_in: String(minted.expiresIn), ext_expires_in: String(minted.expiresIn),
    expires_on: String(minted.issuedAtSeconds + minted.expiresIn), not_before: String(minted.issuedAtSeconds),
    resource, access_token: minted.accessToken,
  }, noStore);
}

function assertionAudiences(ctx: EmulatorContext, tenant: Tenant, segment: string): string[] {
  const out: string[] = [];
  for (const host of [ctx.url, 'https://login.microsoftonline.com']) {
    for (const t of new Set([tenant.id, tenant.domain, segment])) {
      out.push(`${host}/${t}/oauth2/v2.0/token`, `${host}/${t}/oauth2/token`);
    }
  }
  return out;
}

function logFailure(tenant: Tenant, form: URLSearchParams, req: EmulatorRequest, client: AuthenticatedClient | undefined, err: AadstsError, nowMs: number): void {
  const appId = client?.app.appId ?? claimedClientId({ form, authorization: header(req, 'authorization'), assertionAudiences: [] });
  if (!appId) return;
  const sp = tenant.servicePrincipalByAppId(appId);
  recordSignIn(tenant, {
    createdAtMs: nowMs, appId, servicePrincipalId: sp?.id ?? null, appDisplayName: (client?.app.body.displayName as string) ?? null,
    resourceId: null, resourceAppId: null, resourceDisplayName: null, credentialKeyId: client?.credentialKeyId ?? null,
    clientCredentialType: client?.credentialType ?? (form.get('client_assertion') ? 'clientAssertion' : form.get('client_secret') ? 'clientSecret' : 'none'),
    errorCode: err.code, failureReason: err.description,
  });
}
