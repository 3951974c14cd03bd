import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { EmulatorContext } from '../context.ts';
import { v1Issuer, v2Issuer } from '../context.ts';
import type { ApplicationRecord, GraphJson, ServicePrincipalRecord } from '../directory/model.ts';
import type { Tenant } from '../directory/tenant.ts';
import { GRAPH_APP_ID, GRAPH_RESOURCE_URI } from '../directory/graph-permissions.ts';
import { grantedRoleValues } from '../directory/service-principals.ts';

export interface TokenGrant {
  tenant: Tenant;
  client: { app: ApplicationRecord; sp: ServicePrincipalRecord; acr: '1' | '2' };
  resource: ServicePrincipalRecord;
  /** The identifier the client asked for (App ID URI or appId), which v1 tokens echo in `aud`. */
  requestedIdentifier: string;
}

export interface MintedToken {
  accessToken: string;
  expiresIn: number;
  issuedAtSeconds: number;
  version: 1 | 2;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An app-only access token with Entra's claim set. The version follows the *resource's*
 * api.requestedAccessTokenVersion (null/1 → v1, 2 → v2), whatever endpoint was used, as in Entra.
 */
export async function mintAccessToken(ctx: EmulatorContext, grant: TokenGrant): Promise<MintedToken> {
  const { tenant, client, resource } = grant;
  const resourceApp = tenant.applicationByAppId(resource.appId);
  const api = resourceApp?.body.api as GraphJson | undefined;
  const version: 1 | 2 = api?.requestedAccessTokenVersion === 2 ? 2 : 1;
  const iat = Math.floor(ctx.clock.now() / 1000);
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  const roles = grantedRoleValues(resource, client.sp.id);
  const isGraph = resource.appId === GRAPH_APP_ID;
  const wantsIdtyp = isGraph || optionalAccessTokenClaims(resourceApp).includes('idtyp');
  const common = {
    iat, nbf: iat, exp: iat + lifetime,
    aio: randomBytes(48).toString('base64url'),
    ...(wantsIdtyp ? { idtyp: 'app' } : {}),
    oid: client.sp.id,
    rh: `0.${randomBytes(40).toString('base64url')}.`,
    ...(roles.length > 0 ? { roles } : {}),
    sub: client.sp.id,
    tid: tenant.id,
    uti: randomBytes(16).toString('base64url'),
  };
  const key = ctx.keys.active();
  const payload = version === 2
    ? { aud: resource.appId, iss: v2Issuer(ctx, tenant.id), ...common, azp: client.app.appId, azpacr: client.acr, ver: '2.0' }
    : {
        aud: v1Audience(grant.requestedIdentifier, resource.appId, isGraph),
        iss: v1Issuer(ctx, tenant.id),
        ...common,
        app_displayname: client.app.body.displayName,
        appid: client.app.appId,
        appidacr: client.acr,
        idp: v1Issuer(ctx, tenant.id),
        ver: '1.0',
      };
  const header = version === 2 ? { typ: 'JWT', alg: 'RS256', kid: key.kid } : { typ: 'JWT', alg: 'RS256', x5t: key.kid, kid: key.kid };
  const accessToken = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
  return { accessToken, expiresIn: lifetime, issuedAtSeconds: iat, version };
}

function v1Audience(requested: string, appId: string, isGraph: boolean): string {
  if (isGraph) return GRAPH_RESOURCE_URI;
  if (GUID.test(requested)) return appId;
  return requested.replace(/\/$/, '');
}

function optionalAccessTokenClaims(app: ApplicationRecord | undefined): string[] {
  const claims = (app?.body.optionalClaims as GraphJson | null | undefined)?.accessToken;
  return Array.isArray(claims) ? claims.map((c) => (c as GraphJson).name).filter((n): n is string => typeof n === 'string') : [];
}
