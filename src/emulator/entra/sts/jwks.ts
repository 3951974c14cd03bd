import type { EmulatorContext } from '../context.ts';
import type { EmulatorResponse } from '../http.ts';
import { json } from '../http.ts';
import { aadsts, aadstsResponse } from './errors.ts';

/** The published signing keys. v2 entries carry the tenant's issuer, as Entra's do; v1 entries do not. */
export function jwksDocument(ctx: EmulatorContext, tenantSegment: string, version: 1 | 2): EmulatorResponse {
  const templated = ['common', 'organizations', 'consumers'].includes(tenantSegment.toLowerCase());
  const tenant = templated ? undefined : ctx.directory.resolve(tenantSegment);
  if (!templated && !tenant) return aadstsResponse(aadsts.tenantNotFound(tenantSegment), ctx.clock.now());
  const tid = tenant?.id ?? '{tenantid}';
  const issuer = ctx.settings.issuerStyle === 'production' ? `https://login.microsoftonline.com/${tid}/v2.0` : `${ctx.url}/${tid}/v2.0`;
  const keys = ctx.keys.published().map((k) => ({
    kty: 'RSA', use: 'sig', kid: k.kid, x5t: k.kid, n: k.publicJwk.n, e: k.publicJwk.e, x5c: [k.certB64],
    ...(version === 2 ? { issuer } : {}),
  }));
  return json(200, { keys }, { 'cache-control': 'max-age=86400, private' });
}
