import type { EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { header } from '../http.ts';
import { DirectoryError } from '../directory/errors.ts';
import { purgeExpired } from '../directory/deleted-items.ts';
import { authenticateCaller } from './auth.ts';
import { fromDirectoryError, graphError } from './errors.ts';
import type { GraphCall } from './call.ts';
import { dispatch } from './dispatch.ts';

/**
 * Microsoft Graph (`/v1.0/…`, `/beta/…`): authenticate the caller, charge its resource-unit budget (429 when a
 * throttle fault is set), then dispatch. Directory refusals become Graph error bodies.
 */
export async function routeGraph(ctx: EmulatorContext, req: EmulatorRequest): Promise<EmulatorResponse> {
  const nowMs = ctx.clock.now();
  const match = /^\/(v1\.0|beta)(\/.*)?$/.exec(req.url.pathname)!;
  const version = match[1] as 'v1.0' | 'beta';
  let segments: string[];
  try {
    segments = (match[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return graphError(400, 'BadRequest', 'Invalid URL encoding.', nowMs, req);
  }
  try {
    const caller = await authenticateCaller(ctx, req);
    purgeExpired(caller.tenant, nowMs);
    const cost = resourceUnitCost(req, segments);
    const charged = ctx.faults.charge(`${caller.tenant.id}/${caller.appId}`, cost, nowMs);
    const budgetHeaders: Record<string, string> = { 'x-ms-resource-unit': String(cost) };
    if (charged.usedPercent > 0.8) budgetHeaders['x-ms-throttle-limit-percentage'] = charged.usedPercent.toFixed(1);
    if ('retryAfterSeconds' in charged) {
      return graphError(429, 'Request_ThrottledTemporarily', `Your request is throttled temporarily. Please try after ${charged.retryAfterSeconds} seconds.`, nowMs, req, {
        'retry-after': String(charged.retryAfterSeconds),
        'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${caller.appId}/${caller.tenant.id}`,
        'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
        ...budgetHeaders,
      });
    }
    const call: GraphCall = {
      ctx, req, caller, tenant: caller.tenant, nowMs, version,
      change: { tenant: caller.tenant, nowMs, actor: { appId: caller.appId, displayName: caller.displayName, servicePrincipalId: caller.servicePrincipalId } },
    };
    const response = await dispatch(call, segments);
    const requestId = crypto.randomUUID();
    response.headers = { 'request-id': requestId, 'client-request-id': header(req, 'client-request-id') ?? requestId, ...budgetHeaders, ...response.headers };
    return response;
  } catch (err) {
    if (err instanceof DirectoryError) return fromDirectoryError(err, nowMs, req);
    throw err;
  }
}

/** Graph's identity cost model: GET /applications 2 RU, others 1; $select -1, $top<20 -1, $expand +1; at least 1. */
function resourceUnitCost(req: EmulatorRequest, segments: string[]): number {
  const q = req.url.searchParams;
  let cost = req.method === 'GET' && segments.length === 1 && segments[0] === 'applications' ? 2 : 1;
  if (q.has('$select')) cost -= 1;
  if (q.has('$top') && Number(q.get('$top')) < 20) cost -= 1;
  if (q.has('$expand')) cost += 1;
  return Math.max(1, cost);
}
