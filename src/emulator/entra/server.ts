import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from './context.ts';
import type { EmulatorRequest, EmulatorResponse } from './http.ts';
import { json } from './http.ts';
import type { TlsMaterial } from './tls/certificates.ts';
import { routeSts } from './sts/routes.ts';
import { routeGraph } from './graph/router.ts';
import { graphError } from './graph/errors.ts';
import { routeAdmin } from './admin/routes.ts';
import { aadsts, aadstsResponse } from './sts/errors.ts';
import type { FaultScope } from './faults/config.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One HTTPS origin for everything: `/_emulator/…` (admin), `/v1.0/…` and `/beta/…` (Graph), `/{tenant}/…` (login).
 * Transport faults (drop, 5xx, slow) are applied here, before the request reaches a handler.
 */
export function createEmulatorServer(ctx: EmulatorContext, tls: TlsMaterial): Server {
  return createServer({ key: tls.keyPem, cert: tls.certPem }, (incoming, outgoing) => {
    handle(ctx, incoming, outgoing).catch((err: unknown) => {
      if (!outgoing.headersSent) {
        outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { code: 'InternalServerError', message: err instanceof Error ? err.message : 'error' } }));
      } else outgoing.destroy();
    });
  });
}

async function handle(ctx: EmulatorContext, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const rawBody = await readBody(incoming);
  if (rawBody === null) {
    send(outgoing, json(413, { error: { code: 'RequestEntityTooLarge', message: 'Request body too large.' } }));
    return;
  }
  const url = new URL(incoming.url ?? '/', ctx.url);
  const req: EmulatorRequest = { method: incoming.method ?? 'GET', url, path: safeDecode(url.pathname), headers: incoming.headers, rawBody, socket: incoming.socket };
  const scope: FaultScope | 'admin' = req.path.startsWith('/_emulator/') ? 'admin'
    : /^\/(v1\.0|beta)(\/|$)/.test(req.path) ? 'graph' : 'sts';
  if (scope !== 'admin') {
    const fault = ctx.faults.transport(scope);
    if (fault.kind === 'drop') {
      incoming.socket.destroy();
      return;
    }
    if (ctx.faults.applies(scope) && ctx.faults.slowMs > 0) await sleep(ctx.faults.slowMs);
    if (fault.kind === 'fail') {
      send(outgoing, scope === 'graph' ? graphError(fault.status, fault.status === 503 ? 'serviceNotAvailable' : 'UnknownError',
        fault.status === 503 ? 'Service unavailable' : 'Gateway timeout', ctx.clock.now(), req, { 'retry-after': '1' })
        : json(fault.status, { error: 'temporarily_unavailable', error_description: 'AADSTS90033: A transient error has occurred. Please try again.', error_codes: [90033] }, { 'retry-after': '1' }));
      return;
    }
  }
  const response = await route(ctx, req, scope);
  if (scope === 'graph' && ctx.exchanges) {
    ctx.exchanges.push({ method: req.method, path: req.url.pathname + req.url.search, status: response.status, requestBody: safeJson(rawBody), responseBody: response.body });
  }
  send(outgoing, response);
  if (req.method !== 'GET') ctx.changed();
}

async function route(ctx: EmulatorContext, req: EmulatorRequest, scope: FaultScope | 'admin'): Promise<EmulatorResponse> {
  if (scope === 'admin') return (await routeAdmin(ctx, req)) ?? json(404, { error: 'not_found', message: `No admin route ${req.method} ${req.path}` });
  if (scope === 'graph') return routeGraph(ctx, req);
  const sts = await routeSts(ctx, req);
  if (sts) return sts;
  const tenant = req.path.split('/').filter(Boolean)[0];
  if (tenant && !ctx.directory.resolve(tenant)) return aadstsResponse(aadsts.tenantNotFound(tenant), ctx.clock.now());
  return json(404, { error: 'not_found', error_description: `The Entra emulator does not serve ${req.method} ${req.path}.` });
}

function send(outgoing: ServerResponse, response: EmulatorResponse): void {
  const headers = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined) payload = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  outgoing.writeHead(response.status, headers);
  outgoing.end(payload);
}

function readBody(incoming: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    incoming.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function safeJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
