import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningGatehouse } from '../../../src/cli/serve/compose.ts';

/** An upstream that echoes the path and the Authorization header it received (null when the gateway stripped it). */
export async function startUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, path: req.url, auth: req.headers.authorization ?? null }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A management API caller bound to one token: `await call('POST', '/v1/apps', {...})` → status, parsed body, headers. */
export function api(gh: RunningGatehouse, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(gh.apiUrl + path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

/** Polls `probe` until it returns something other than undefined (background jobs and snapshot swaps are asynchronous). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}
