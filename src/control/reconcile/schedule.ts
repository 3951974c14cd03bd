import type { Clock } from '../../core/clock.ts';
import type { Job } from '../../core/domain.ts';
import type { Store } from '../../core/ports/store.ts';
import { listAll } from '../context.ts';
import { enqueueReconcile, RECONCILE_JOB, reconcileKey } from './job.ts';

/** Default time between scheduled reconciles of one provider: drift is found within hours, at ~31 Graph reads per 10,000 apps. */
export const DEFAULT_RECONCILE_INTERVAL_MS = 6 * 3_600_000;

export interface ReconcileScheduleOptions {
  store: Store;
  clock: Clock;
  /** Time from the end of one run of a provider to the start of the next. */
  intervalMs: number;
  /** Repair what is safe (default false: report and audit the drift only). */
  fix: boolean;
}

export interface ReconcileScheduleReport {
  /** Providers whose reconcile job was enqueued this time. */
  enqueued: string[];
}

/**
 * Enqueues a reconcile job for each provider whose IdP Gatehouse can list (kind `entra`) and whose last run ended at
 * least `intervalMs` ago. The decision reads the job history in the store, not process memory, so a restart or a
 * lease handover to another node keeps the cadence; an unfinished job of the same key is never doubled
 * (enqueueJob's idempotency key). The job runner, on whichever node claims it, does the work.
 */
export async function scheduleReconciles(options: ReconcileScheduleOptions): Promise<ReconcileScheduleReport> {
  const now = options.clock.now();
  const report: ReconcileScheduleReport = { enqueued: [] };
  const providers = await listAll((page) => options.store.providers.list({ kind: 'entra' }, page));
  for (const provider of providers) {
    // Runs of one key never overlap (one unfinished job per key), so the newest job is also the last to end.
    const last = await options.store.jobs.latest({ type: RECONCILE_JOB, key: reconcileKey(provider.id) });
    if (!isDue(last, now, options.intervalMs)) continue;
    const { created } = await options.store.transaction((tx) => enqueueReconcile(tx, now, { providerId: provider.id, fix: options.fix }));
    if (created) report.enqueued.push(provider.id);
  }
  return report;
}

function isDue(last: Job | null, now: number, intervalMs: number): boolean {
  if (last === null) return true;
  if (last.state === 'pending' || last.state === 'running') return false;
  // A failed run counts as a run: retrying it at once would hammer an IdP that is down; the job already retried.
  return now - last.updatedAt >= intervalMs;
}

/** The latest successful reconcile job of each Entra provider (for the drift gauge). */
export async function latestReconciles(store: Store): Promise<Map<string, Job>> {
  const latest = new Map<string, Job>();
  for (const provider of await listAll((page) => store.providers.list({ kind: 'entra' }, page))) {
    const job = await store.jobs.latest({ type: RECONCILE_JOB, key: reconcileKey(provider.id), state: 'succeeded' });
    if (job) latest.set(provider.id, job);
  }
  return latest;
}
