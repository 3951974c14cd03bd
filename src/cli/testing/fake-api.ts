import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Io } from '../context.ts';
import { run } from '../program.ts';

/** A request the fake management API received. */
export interface Seen { method: string; path: string; query: URLSearchParams; body: unknown; authorization?: string }

/** A canned answer: JSON `body` (or `raw` text) with `type` (default JSON, problem+json for 4xx/5xx) and extra headers. */
export interface Reply { status: number; body?: unknown; raw?: string; type?: string; headers?: Record<string, string> }

export type Routes = Record<string, (req: Seen) => Reply>;

export interface FakeApi {
  url: string;
  /** Requests since the last `reset`, in order. */
  readonly seen: Seen[];
  /** Forgets what was seen and answers `METHOD /path` from `routes` (anything else: a problem+json 404). */
  reset(routes: Routes): void;
  /** Runs the CLI against this fake with GATEHOUSE_URL/TOKEN set (overridable by `env`) and a fixed clock. */
  cli(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

/**
 * A management API that speaks the contract only as far as each test scripts it: CLI tests check what the CLI sends
 * (method, path, query, body, token) and how it renders answers and failures, without the real API or store.
 */
export async function startFakeApi(): Promise<FakeApi> {
  let seen: Seen[] = [];
  let routes: Routes = {};
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const s: Seen = {
        method: req.method ?? '', path: url.pathname, query: url.searchParams, body: data ? JSON.parse(data) : undefined,
        ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
      };
      seen.push(s);
      const route = routes[`${s.method} ${s.path}`];
      const reply: Reply = route ? route(s) : { status: 404, body: { code: 'NOT_FOUND', detail: `no route ${s.method} ${s.path}`, status: 404 } };
      res.writeHead(reply.status, { 'content-type': reply.type ?? (reply.status >= 400 ? 'application/problem+json' : 'application/json'), ...reply.headers });
      res.end(reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body)));
    });
  };
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get seen() {
      return seen;
    },
    reset(next) {
      seen = [];
      routes = next;
    },
    async cli(args, env = {}) {
      let stdout = '';
      let stderr = '';
      const io: Io = {
        out: (t) => void (stdout += t), err: (t) => void (stderr += t),
        env: { GATEHOUSE_URL: url, GATEHOUSE_TOKEN: 'gh_test', ...env }, now: () => Date.UTC(2026, 10, 27, 8),
      };
      const code = await run(args, io);
      return { code, stdout, stderr };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
