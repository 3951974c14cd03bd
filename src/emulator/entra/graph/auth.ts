import { decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import type { EmulatorContext } from '../context.ts';
import { v1Issuer, v2Issuer } from '../context.ts';
import type { EmulatorRequest } from '../http.ts';
import { header } from '../http.ts';
import type { Tenant } from '../directory/tenant.ts';
import { GRAPH_APP_ID, GRAPH_RESOURCE_URI } from '../directory/graph-permissions.ts';
import { unauthenticated } from './errors.ts';

/** The app calling Graph, as its access token says. */
export interface Caller {
  tenant: Tenant;
  appId: string;
  servicePrincipalId: string;
  displayName: string | null;
  permissions: Set<string>;
}

const GRAPH_AUDIENCES = [GRAPH_RESOURCE_URI, `${GRAPH_RESOURCE_URI}/`, GRAPH_APP_ID];

/**
 * Graph accepts only access tokens this emulator issued for Graph (aud graph.microsoft.com), checked like Graph does:
 * signature against the published keys, issuer of the token's tenant, lifetime on the emulator clock.
 */
export async function authenticateCaller(ctx: EmulatorContext, req: EmulatorRequest): Promise<Caller> {
  const authorization = header(req, 'authorization');
  if (!authorization) throw unauthenticated('Access token is empty.');
  const match = /^Bearer\s+(.+)$/i.exec(authorization);
  if (!match) throw unauthenticated('Access token is empty.');
  const token = match[1]!.trim();
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw unauthenticated('IDX14100: JWT is not well formed, there are no dots (.).');
  }
  const key = kid ? ctx.keys.find(kid) : undefined;
  if (!key) throw unauthenticated('Access token validation failure. Invalid signing key.');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      currentDate: new Date(ctx.clock.now()),
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthenticated('Lifetime validation failed, the token is expired.');
    throw unauthenticated('Access token validation failure.');
  }
  if (typeof payload.aud !== 'string' || !GRAPH_AUDIENCES.includes(payload.aud)) {
    throw unauthenticated('Access token validation failure. Invalid audience.');
  }
  const tenant = typeof payload.tid === 'string' ? ctx.directory.resolve(payload.tid) : undefined;
  if (!tenant || (payload.iss !== v1Issuer(ctx, tenant.id) && payload.iss !== v2Issuer(ctx, tenant.id))) {
    throw unauthenticated('Access token validation failure. Invalid issuer.');
  }
  const appId = (payload.appid ?? payload.azp) as string;
  return {
    tenant,
    appId,
    servicePrincipalId: payload.oid as string,
    displayName: (payload.app_displayname as string | undefined) ?? tenant.servicePrincipal(payload.oid as string)?.body.displayName as string ?? null,
    permissions: new Set(Array.isArray(payload.roles) ? (payload.roles as string[]) : []),
  };
}

