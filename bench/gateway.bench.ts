/**
 * Gateway throughput against a bare proxy, in one run: `node bin/run-ts.mjs bench/gateway.bench.ts`.
 *
 * Each target (upstream directly, bare undici proxy, gateway) runs in its own process. On a machine with 2+ CPUs
 * the proxy under test is pinned to CPU 1 and the upstream to CPU 0 alongside autocannon (via taskset when
 * present), so the proxy's core is the bottleneck. Targets are measured round-robin, RUNS times each, so machine
 * drift hits all of them alike; the spread between a target's runs is the noise floor to read the ratio against.
 *
 * Env: BENCH_RUNS (default 3), BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50),
 * BENCH_CPU_PROF=<dir> to write a V8 CPU profile of the gateway process under load (open it in Chrome DevTools).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const pin = cpus().length >= 2 && existsSync('/usr/bin/taskset');
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

interface Target { name: string; url: string; headers: Record<string, string>; child: ChildProcess }
interface Sample { rps: number; p50: number; p99: number; errors: number; non2xx: number; cpuUsPerRequest: number }

const children: ChildProcess[] = [];

async function start(role: string, cpu: number, upstream?: string): Promise<Target> {
  const args = ['bin/run-ts.mjs', 'bench/targets.ts', role, ...(upstream ? [upstream] : [])];
  const child = pin
    ? spawn('taskset', ['-c', String(cpu), process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (line.startsWith('READY ')) {
      const info = JSON.parse(line.slice(6));
      return { name: role, url: info.url, headers: info.headers, child };
    }
  }
  throw new Error(`${role} exited before it was ready`);
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux). Throughput on a shared machine
 * moves with the neighbours' load; CPU time per request of the process under test barely does, so the
 * benchmark reports both.
 */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100/s)
  } catch {
    return NaN;
  }
}

function load(target: Target, seconds: number): Promise<Sample> {
  const cpuBefore = cpuMs(target.child.pid!);
  return new Promise((resolve, reject) => {
    autocannon({ url: target.url, headers: target.headers, connections: CONNECTIONS, duration: seconds, pipelining: 1 }, (err, r) => {
      if (err) return reject(err);
      const cpuUsPerRequest = ((cpuMs(target.child.pid!) - cpuBefore) * 1000) / Math.max(1, r.requests.total);
      resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, cpuUsPerRequest });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
const pct = (x: number) => (x * 100).toFixed(1) + '%';

try {
  const upstream = await start('upstream', 0);
  const targets = [
    { ...upstream, name: 'upstream (direct)' },
    { ...(await start('bare', 1, upstream.url)), name: 'bare undici proxy' },
    { ...(await start('gateway', 1, upstream.url)), name: 'gateway (client-id + tier limit + usage)' },
  ];
  console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), pinned: ${pin}; ${RUNS} runs × ${SECONDS} s, ${CONNECTIONS} connections`);
  for (const t of targets) await load(t, 2); // warm-up: JIT, keep-alive pools
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  for (let run = 1; run <= RUNS; run++) {
    for (const t of targets) {
      const s = await load(t, SECONDS);
      samples.get(t.name)!.push(s);
      console.log(`run ${run} ${t.name}: ${Math.round(s.rps)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, ${s.cpuUsPerRequest.toFixed(1)} µs CPU/req${s.errors || s.non2xx ? `, errors ${s.errors}, non-2xx ${s.non2xx}` : ''}`);
    }
  }
  console.log('\n| target | req/s (median) | p50 ms | p99 ms | req/s spread between runs | CPU µs/req (median) | CPU spread |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, ss] of samples) {
    const cpu = ss.map((s) => s.cpuUsPerRequest);
    console.log(`| ${name} | ${Math.round(median(ss.map((s) => s.rps)))} | ${median(ss.map((s) => s.p50))} | ${median(ss.map((s) => s.p99))} | ${pct(spread(ss.map((s) => s.rps)))} | ${median(cpu).toFixed(1)} | ${pct(spread(cpu))} |`);
  }
  const of = (i: number, pick: (s: Sample) => number) => median(samples.get(targets[i]!.name)!.map(pick));
  console.log(`\ngateway / bare proxy throughput: ${pct(of(2, (s) => s.rps) / of(1, (s) => s.rps))} (target ≥ 85%)`);
  console.log(`bare proxy / gateway CPU per request (= throughput ratio at saturation): ${pct(of(1, (s) => s.cpuUsPerRequest) / of(2, (s) => s.cpuUsPerRequest))}`);
} finally {
  await Promise.all(children.map((c) => new Promise((resolve) => {
    if (c.exitCode !== null) return resolve(null);
    c.once('exit', resolve);
    c.kill('SIGTERM');
  })));
}
