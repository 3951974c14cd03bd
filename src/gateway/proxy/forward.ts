import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher, Pool } from 'undici';
import type { RequestContext } from '../pipeline/context.ts';
import { deny, type Denial } from '../pipeline/denial.ts';
import { setRateLimitHeaders } from '../rate-limit/headers.ts';
import { upstreamRequestHeaders } from './request-headers.ts';
import { downstreamResponseHeaders } from './response-headers.ts';
import { BodyLimit, PayloadTooLargeError } from './body-limit.ts';

/** Called once per proxied call: with the upstream status, or with the denial the gateway answered instead. */
export type ProxyFinished = (ctx: RequestContext, status: number, denial: Denial | null, res: ServerResponse) => void;

const TIMEOUT = deny('UPSTREAM_TIMEOUT', 'The upstream did not answer in time.');
const UNREACHABLE = deny('UPSTREAM_UNREACHABLE', 'The upstream could not be reached.');
const UPSTREAM_ERROR = deny('UPSTREAM_ERROR', 'The upstream connection failed.');
const TOO_LARGE = deny('PAYLOAD_TOO_LARGE', 'The request body is too large.');

/** State of one proxied call, passed to undici as `opaque` so the factory and callback need no closures. */
class ProxyCall {
  status = 0;
  constructor(readonly ctx: RequestContext, readonly res: ServerResponse, readonly finished: ProxyFinished) {}
}

/**
 * Streams the request to the upstream and the response back: both bodies flow through without buffering, with
 * backpressure. Upstream timeouts (headers or idle body, set on the pool) answer 504, connection failures 502.
 */
export function forward(ctx: RequestContext, res: ServerResponse, pool: Pool, maxBodyBytes: number, finished: ProxyFinished): void {
  const req = ctx.req;
  const api = ctx.api;
  let path = api.upstreamPathPrefix + ctx.rest;
  if (path === '' || path.charCodeAt(0) === 63 /* ? */) path = '/' + path;
  let body: Readable | null = null;
  const headers = req.headers;
  if (headers['transfer-encoding'] !== undefined) body = req.pipe(new BodyLimit(maxBodyBytes));
  else if (headers['content-length'] !== undefined && headers['content-length'] !== '0') body = req;
  const options: Dispatcher.RequestOptions<ProxyCall> = {
    path,
    method: req.method as Dispatcher.HttpMethod,
    headers: upstreamRequestHeaders(req, ctx),
    body,
    opaque: new ProxyCall(ctx, res, finished),
  };
  pool.stream(options, streamFactory, streamDone);
}

function streamFactory({ statusCode, headers, opaque: call }: Dispatcher.StreamFactoryData<ProxyCall>): ServerResponse {
  const out = downstreamResponseHeaders(headers);
  out['x-request-id'] = call.ctx.requestId;
  if (call.ctx.rateLimits !== null) setRateLimitHeaders(out, call.ctx.rateLimits);
  call.status = statusCode;
  call.res.writeHead(statusCode, out);
  return call.res;
}

function streamDone(err: Error | null, data: Dispatcher.StreamData<ProxyCall>): void {
  const call = data.opaque;
  if (err === null) {
    call.finished(call.ctx, call.status, null, call.res);
    return;
  }
  const denial = classify(err);
  if (call.res.headersSent) {
    // The response already started: all we can do is cut it so the client sees a truncated reply, not a whole one.
    call.res.destroy();
    call.finished(call.ctx, call.status || denial.status, denial, call.res);
    return;
  }
  call.finished(call.ctx, denial.status, denial, call.res);
}

function classify(err: Error): Denial {
  if (err instanceof PayloadTooLargeError || (err as { cause?: unknown }).cause instanceof PayloadTooLargeError) return TOO_LARGE;
  const code = (err as { code?: string }).code ?? '';
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT': case 'UND_ERR_BODY_TIMEOUT': case 'UND_ERR_CONNECT_TIMEOUT': case 'ETIMEDOUT':
      return TIMEOUT;
    case 'ECONNREFUSED': case 'ENOTFOUND': case 'EHOSTUNREACH': case 'ENETUNREACH': case 'EAI_AGAIN': case 'ECONNRESET':
    case 'UND_ERR_SOCKET': case 'UND_ERR_CLOSED':
      return UNREACHABLE;
    default:
      return UPSTREAM_ERROR;
  }
}
