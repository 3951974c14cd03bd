/**
 * Reconcile at scale: `node bin/run-ts.mjs bench/reconcile.bench.ts`.
 *
 * Each run starts a fresh world (src/control/reconcile/testing/world.ts): the Entra emulator with BENCH_APPS client apps
 * owned by the platform app, seeded in process (no Graph calls), the same apps and credentials in an in-memory SQLite
 * store, and the real Entra adapter. It then seeds ~BENCH_DRIFT_PCT % drift through Graph (secrets added and removed
 * in the "portal", soft-deleted apps, orphans with our uniqueName, foreign apps) and times two reconciles:
 * a report-only run and a --fix run. Phase times come from the progress callback; Graph calls are counted on the
 * adapter's client. Runs are repeated BENCH_RUNS times; the spread between runs is the noise floor.
 *
 * Env: BENCH_APPS (default 10000), BENCH_RUNS (default 3), BENCH_DRIFT_PCT (default 1).
 */
import { cpus, loadavg } from 'node:os';
import { newId } from '../src/core/ids.ts';
import { uniqueNameForApp } from '../src/control/onboarding/names.ts';
import { reconcileProvider, type ReconcilePhase, type ReconcileReport } from '../src/control/reconcile/index.ts';
import { startWorld, type ReconcileWorld } from '../src/control/reconcile/testing/world.ts';

const APPS = Number(process.env.BENCH_APPS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DRIFT_PCT = Number(process.env.BENCH_DRIFT_PCT ?? 1);
const DAY = 86_400_000;

interface Sample {
  seedMs: number;
  driftMs: number;
  reportMs: number;
  fixMs: number;
  phases: Partial<Record<ReconcilePhase, number>>;
  graphCalls: { report: number; fix: number };
  drift: number;
  repaired: number;
  rssMb: number;
}

async function seedDrift(w: ReconcileWorld): Promise<void> {
  const n = Math.max(1, Math.round((w.pairs.length * DRIFT_PCT) / 100 / 5));
  const now = w.clock.now();
  const tags = ['gatehouse', `gatehouse:env:${w.env.id}`];
  for (const p of w.pairs.slice(0, n)) await w.idp.addSecret(p.objectId, { displayName: 'portal', expiresAt: now + 90 * DAY });
  for (const p of w.pairs.slice(n, 2 * n)) await w.idp.removeSecret(p.objectId, p.credential.keyId);
  for (const p of w.pairs.slice(2 * n, 3 * n)) await w.idp.deleteClient(p.objectId);
  for (let i = 0; i < n; i++) await w.idp.upsertClient({ uniqueName: uniqueNameForApp(newId('app', now)), displayName: `lost-${i}`, tags });
  for (let i = 0; i < n; i++) await w.idp.upsertClient({ uniqueName: `foreign-${i}`, displayName: `foreign-${i}` });
  w.clock.advance(3_600_000);
}

function countGraphCalls(w: ReconcileWorld): { read(): number } {
  let calls = 0;
  const graph = w.idp.graph as { request: typeof w.idp.graph.request };
  const original = graph.request.bind(graph);
  graph.request = ((req) => {
    calls++;
    return original(req);
  }) as typeof graph.request;
  return { read: () => calls };
}

async function timed(w: ReconcileWorld, fix: boolean, phases?: Sample['phases']): Promise<{ ms: number; report: ReconcileReport }> {
  const started = performance.now();
  let last = started;
  let phase: ReconcilePhase | null = null;
  const report = await reconcileProvider({
    store: w.store, identity: w.idp, clock: w.clock,
    onProgress: (p) => {
      if (p.phase === phase) return;
      const t = performance.now();
      if (phase && phases) phases[phase] = Math.round(t - last);
      phase = p.phase;
      last = t;
    },
  }, { providerId: w.provider.id, fix });
  return { ms: Math.round(performance.now() - started), report };
}

async function once(): Promise<Sample> {
  let t = performance.now();
  const w = await startWorld({ apps: APPS });
  const seedMs = Math.round(performance.now() - t);
  try {
    t = performance.now();
    await seedDrift(w);
    const driftMs = Math.round(performance.now() - t);
    const calls = countGraphCalls(w);
    const phases: Sample['phases'] = {};
    const report = await timed(w, false, phases);
    const reportCalls = calls.read();
    const fix = await timed(w, true);
    const drift = Object.values(report.report.counts).reduce((a, b) => a + b, 0);
    const repaired = Object.values(fix.report.repaired).reduce((a, b) => a + b, 0);
    if (report.report.errors.length || fix.report.errors.length) console.error('errors:', report.report.errors, fix.report.errors);
    return {
      seedMs, driftMs, reportMs: report.ms, fixMs: fix.ms, phases, graphCalls: { report: reportCalls, fix: calls.read() - reportCalls },
      drift, repaired, rssMb: Math.round(process.memoryUsage().rss / 1e6),
    };
  } finally {
    await w.close();
  }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)]!;
  return { median, min: s[0]!, max: s.at(-1)!, spreadPct: median ? Math.round(((s.at(-1)! - s[0]!) / median) * 100) : 0 };
};

console.log(`reconcile bench: ${APPS} apps, ${RUNS} runs, ~${DRIFT_PCT}% drift; node ${process.version}, ${cpus().length}x ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const samples: Sample[] = [];
for (let i = 0; i < RUNS; i++) {
  const s = await once();
  samples.push(s);
  console.log(`run ${i + 1}: report ${s.reportMs} ms (${JSON.stringify(s.phases)}), fix ${s.fixMs} ms, graph calls report/fix ${s.graphCalls.report}/${s.graphCalls.fix}, drift ${s.drift}, repaired ${s.repaired}, seed ${s.seedMs} ms, drift seed ${s.driftMs} ms, rss ${s.rssMb} MB`);
}
const report = stats(samples.map((s) => s.reportMs));
const fix = stats(samples.map((s) => s.fixMs));
console.log(`report-only: median ${report.median} ms (min ${report.min}, max ${report.max}, spread ${report.spreadPct}%)`);
console.log(`--fix:       median ${fix.median} ms (min ${fix.min}, max ${fix.max}, spread ${fix.spreadPct}%)`);
console.log(`target < 30000 ms: ${Math.max(report.max, fix.max) < 30_000 ? 'met' : 'MISSED'}`);
