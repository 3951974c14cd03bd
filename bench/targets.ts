/**
 * The processes the gateway benchmark measures, one role per process so each gets its own event loop:
 *   upstream  – node:http answering a 28-byte JSON body;
 *   bare      – the smallest sensible proxy: node:http + one keep-alive undici Pool, no policies;
 *   gateway   – startGateway with client-id + a tier limit too high to trigger + usage recording, on SQLite;
 *   seed      – writes the gateway's configuration to a SQLite file (run by the gateway role, see below).
 * Started by gateway.bench.ts: `node bin/run-ts.mjs bench/targets.ts <role> [upstreamUrl] [file]`; prints one
 * line `READY <json>` on stdout when listening.
 */
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { pino } from 'pino';
import { openStore } from '../src/store/index.ts';
import { startGateway } from '../src/gateway/index.ts';
import { TestWorld } from '../src/gateway/testing/world.ts';

const [role, upstreamUrl, file] = process.argv.slice(2);
const BODY = '{"ok":true,"id":12345,"n":"x"}'.slice(0, 28);

process.on('SIGTERM', () => void stopProfile().then(() => process.exit(0)));

/** With BENCH_CPU_PROF=<dir>, the bare proxy and the gateway profile themselves from READY to SIGTERM (startup excluded). */
let stopProfile = async (): Promise<void> => {};
async function startProfile(dir: string): Promise<void> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  stopProfile = async () => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${role}-${Date.now()}.cpuprofile`, JSON.stringify(profile));
  };
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function ready(info: Record<string, unknown>): void {
  process.stdout.write('READY ' + JSON.stringify(info) + '\n');
}

/** One environment, one API with client-id, one app with a secret and a contract whose tier never triggers. */
async function seed(dbFile: string, upstream: string): Promise<string> {
  const store = await openStore({ url: 'sqlite:' + dbFile });
  const world = new TestWorld();
  const env = world.env();
  const api = world.api(env, '/bench', upstream, [{ type: 'client-id', config: {} }]);
  const app = world.app(env, 'cli_bench');
  const secret = world.secret(app, { expiresAt: null });
  world.contract(app, api, world.tier(api, 1_000_000_000, 60));
  await world.writeTo(store);
  await store.close();
  return secret;
}

if (role === 'upstream') {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  });
  server.keepAliveTimeout = 65_000;
  ready({ url: await listen(server), headers: {} });
} else if (role === 'bare') {
  const pool = new Pool(upstreamUrl!, { keepAliveTimeout: 30_000 });
  const server = createServer((req, res) => {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    pool.stream(
      { path: req.url!, method: req.method as 'GET', headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req },
      ({ statusCode, headers: h }) => { res.writeHead(statusCode, h as Record<string, string>); return res; },
      (err) => { if (err && !res.headersSent) { res.writeHead(502); res.end(); } },
    );
  });
  server.keepAliveTimeout = 65_000;
  const url = await listen(server);
  if (process.env.BENCH_CPU_PROF) await startProfile(process.env.BENCH_CPU_PROF);
  ready({ url, headers: {} });
} else if (role === 'seed') {
  process.stdout.write(await seed(file!, upstreamUrl!));
} else if (role === 'gateway') {
  const dbFile = join(mkdtempSync(join(tmpdir(), 'gh-bench-')), 'gatehouse.db');
  // By default the configuration is written by a separate process, as the control plane would: store
  // transactions enable an AsyncLocalStorage, which taxes every async operation of the process that ran one
  // (docs/benchmarks.md). BENCH_SEED_IN_PROCESS=1 measures the single-process (`gatehouse serve`) case.
  const secret = process.env.BENCH_SEED_IN_PROCESS === '1'
    ? await seed(dbFile, upstreamUrl!)
    : execFileSync(process.execPath, ['bin/run-ts.mjs', 'bench/targets.ts', 'seed', upstreamUrl!, dbFile], { encoding: 'utf8' });
  const store = await openStore({ url: 'sqlite:' + dbFile });
  // Production-like logging: info level (allowed calls log at debug, so nothing is written per request here).
  const logger = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const gateway = await startGateway({ store, port: 0, logger, usageFlushMs: 1000 });
  if (process.env.BENCH_CPU_PROF) await startProfile(process.env.BENCH_CPU_PROF);
  ready({ url: gateway.url + '/bench', headers: { client_id: 'cli_bench', client_secret: secret } });
} else {
  console.error(`unknown role ${role}`);
  process.exit(2);
}
