import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { RequestContext } from './pipeline/context.ts';
import { deny, errorWord, type Denial } from './pipeline/denial.ts';
import { runSteps } from './pipeline/run.ts';
import { matchRoute } from './snapshot/routes.ts';
import type { SnapshotRefresher } from './snapshot/refresher.ts';
import type { UpstreamPools } from './proxy/pools.ts';
import { forward } from './proxy/forward.ts';
import type { UsageRecorder } from './usage/recorder.ts';
import { sendDenial, sendJson } from './http/respond.ts';
import { acceptableRequestId, isUnsafeTarget } from './http/request-path.ts';
import type { GatewayMetrics, UpstreamErrorKind } from './metrics/gateway-metrics.ts';
import { serveMetrics } from './metrics/metrics-endpoint.ts';

export interface RequestListenerDeps {
  refresher: SnapshotRefresher;
  pools: UpstreamPools;
  usage: UsageRecorder;
  logger: Logger;
  clock: Clock;
  maxBodyBytes: number;
  /** When set: every answered API call is counted, and GET /metrics serves the registry. */
  metrics?: GatewayMetrics | null;
}

const UPSTREAM_KIND: Record<string, UpstreamErrorKind> = { UPSTREAM_TIMEOUT: 'timeout', UPSTREAM_UNREACHABLE: 'unreachable', UPSTREAM_ERROR: 'error' };

const NO_ROUTE = deny('NO_ROUTE', 'No API is published at this path.');
const BAD_PATH = deny('BAD_PATH', 'The request path is not acceptable.');
const NOT_READY = deny('SNAPSHOT_UNAVAILABLE', 'The gateway has not loaded its configuration yet.');
const TOO_LARGE = deny('PAYLOAD_TOO_LARGE', 'The request body is too large.');
const INTERNAL = deny('INTERNAL_ERROR', 'The gateway failed to handle this request.');

/**
 * The request path, in order: reserved paths → route → (body size) → policies (authenticate, contract check,
 * authorize, limits) → proxy → record. The store is never touched here; everything comes from the snapshot.
 */
export function createRequestListener(deps: RequestListenerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { refresher, pools, usage, logger, clock, maxBodyBytes } = deps;
  const metrics = deps.metrics ?? null;
  const logAllowed = logger.isLevelEnabled('debug');

  /** Record step: usage buffer + one decision log line. Runs once per request that reached an API. */
  function finished(ctx: RequestContext, status: number, denial: Denial | null, _res: ServerResponse): void {
    const latencyMs = performance.now() - ctx.startedAt;
    const appId = ctx.app === null ? null : ctx.app.id;
    usage.record(ctx.api.api.id, appId, status, latencyMs, ctx.now, ctx.remoteAddress);
    if (ctx.credentialId !== null) usage.credentialUsed(ctx.credentialId, ctx.now);
    if (metrics !== null) {
      metrics.observeRequest(ctx.api.api.id, status, latencyMs, denial?.reason);
      const kind = denial === null ? undefined : UPSTREAM_KIND[denial.reason];
      if (kind !== undefined) metrics.upstreamError(ctx.api.api.id, kind);
    }
    if (denial !== null) {
      const line = {
        reason: denial.reason, api: ctx.api.api.id, app: appId, clientId: ctx.clientId, status,
        latencyMs: round(latencyMs), requestId: ctx.requestId, detail: denial.logDetail,
      };
      if (status >= 500) logger.warn(line, 'request failed');
      else logger.info(line, 'request denied');
    } else if (logAllowed) {
      logger.debug({ reason: 'ALLOWED', api: ctx.api.api.id, app: appId, status, latencyMs: round(latencyMs), requestId: ctx.requestId }, 'request proxied');
    }
  }

  function answer(ctx: RequestContext, res: ServerResponse, denial: Denial): void {
    if (!res.headersSent && !res.destroyed) sendDenial(res, denial, ctx.requestId, null, denial.status === 413);
    finished(ctx, denial.status, denial, res);
  }

  function proxy(ctx: RequestContext, res: ServerResponse): void {
    forward(ctx, res, pools.get(ctx.api.upstreamOrigin), maxBodyBytes, proxyFinished);
  }

  function proxyFinished(ctx: RequestContext, status: number, denial: Denial | null, res: ServerResponse): void {
    if (denial !== null && !res.headersSent && !res.destroyed) sendDenial(res, denial, ctx.requestId, null, denial.status === 413);
    finished(ctx, status, denial, res);
  }

  function afterPolicies(ctx: RequestContext, res: ServerResponse, result: Denial | undefined): void {
    if (result === undefined) proxy(ctx, res);
    else answer(ctx, res, result);
  }

  function failed(ctx: RequestContext, res: ServerResponse, error: unknown): void {
    logger.error({ err: error instanceof Error ? error.stack : String(error), requestId: ctx.requestId, api: ctx.api.api.id }, 'gateway fault');
    answer(ctx, res, INTERNAL);
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const c = url.charCodeAt(1);
    if (c === 104 /* h */ || c === 114 /* r */ || c === 109 /* m */) {
      if (reserved(url, req, res)) return;
    }
    const requestId = acceptableRequestId(req.headers['x-request-id']) ?? randomUUID();
    const snapshot = refresher.current;
    if (snapshot === null) return sendDenial(res, NOT_READY, requestId);
    if (isUnsafeTarget(url)) return sendDenial(res, BAD_PATH, requestId);
    const match = matchRoute(snapshot, url);
    if (match === null) return sendDenial(res, NO_ROUTE, requestId);

    const ctx = new RequestContext(req, match.api, requestId, match.rest, clock.now(), performance.now());
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) return answer(ctx, res, TOO_LARGE);
    if (match.api.blocked !== null) return answer(ctx, res, match.api.blocked);
    try {
      const result = runSteps(match.api.steps, ctx);
      if (result instanceof Promise) {
        result.then((r) => afterPolicies(ctx, res, r), (e) => failed(ctx, res, e));
      } else {
        afterPolicies(ctx, res, result);
      }
    } catch (error) {
      failed(ctx, res, error);
    }
  };

  /** /healthz, /readyz and (with metrics) /metrics belong to the gateway; no API can be published there. */
  function reserved(url: string, req: IncomingMessage, res: ServerResponse): boolean {
    if (metrics !== null && serveMetrics(metrics, req, res)) return true;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path === '/healthz') {
      sendJson(res, 200, { ok: true });
      return true;
    }
    if (path === '/readyz') {
      const readiness = refresher.readiness();
      sendJson(res, readiness.ok ? 200 : 503, readiness);
      return true;
    }
    return false;
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Malformed requests never reach the listener; node reports them here. Oversize headers get 431 (the limit is
 * the server's maxHeaderSize), anything else 400, both as the gateway's JSON error body.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || (error.code === 'ECONNRESET')) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const reason = tooLarge ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
  const message = tooLarge ? 'The request headers are too large.' : 'The request is malformed.';
  const body = JSON.stringify({ error: errorWord(status), reason, message, requestId: null });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
