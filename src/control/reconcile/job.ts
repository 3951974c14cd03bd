import type { Provider } from '../../core/domain.ts';
import { notFound } from '../../core/errors.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import type { Repositories } from '../../core/ports/store.ts';
import { audit } from '../context.ts';
import { enqueueJob } from '../jobs/enqueue.ts';
import type { JobHandler } from '../jobs/types.ts';
import { reconcileProvider } from './reconcile.ts';
import { reconcileCaller } from './records.ts';
import type { ReconcileReport } from './report.ts';

/**
 * Reconcile as a durable job, for the scheduler and for long `--fix` runs started from the API. The job key
 * `reconcile:{providerId}` keeps runs of one provider from overlapping (one unfinished job per type and key).
 * A crashed run simply runs again: every repair re-checks its row, so nothing is applied twice.
 */
export const RECONCILE_JOB = 'idp.reconcile';

export function reconcileKey(providerId: string): string {
  return `reconcile:${providerId}`;
}

export function enqueueReconcile(tx: Repositories, now: number, input: { providerId: string; fix: boolean; runAt?: number }) {
  return enqueueJob(tx, now, {
    type: RECONCILE_JOB, key: reconcileKey(input.providerId), payload: { providerId: input.providerId, fix: input.fix },
    ...(input.runAt !== undefined ? { runAt: input.runAt } : {}),
  });
}

/** What the job keeps in `progress.result`: the counts, not the item lists (those belong in the API/CLI response). */
export function reconcileSummary(report: ReconcileReport): Record<string, unknown> {
  return {
    providerId: report.providerId, fix: report.fix, skipped: report.skipped, scanned: report.scanned, counts: report.counts,
    repaired: report.repaired, errors: report.errors.slice(0, 20), errorCount: report.errors.length,
    startedAt: report.startedAt, finishedAt: report.finishedAt,
  };
}

export function reconcileJobHandler(deps: { identityFor(provider: Provider): IdentityProvider }): JobHandler {
  return {
    type: RECONCILE_JOB,
    maxAttempts: 3,
    async run(ctx) {
      const providerId = String(ctx.job.payload.providerId);
      const provider = await ctx.store.providers.get(providerId);
      if (!provider) throw notFound('provider', providerId);
      let lastBeat = ctx.clock.now();
      const report = await reconcileProvider({
        store: ctx.store, identity: deps.identityFor(provider), clock: ctx.clock, actor: 'reconcile',
        onProgress: () => {
          // Long runs keep their lease; the heartbeat is fire-and-forget (the runner's timer is the backstop).
          if (ctx.clock.now() - lastBeat > 10_000) {
            lastBeat = ctx.clock.now();
            ctx.heartbeat().catch(() => {});
          }
        },
      }, { providerId, fix: ctx.job.payload.fix === true });
      const summary = reconcileSummary(report);
      // The run's counts go into the audit log with the job's result, so drift found by a scheduled, unattended run
      // is on record (and on the audit channel) even when nothing was repaired.
      await ctx.commit({ summary }, (tx) => audit(tx, reconcileCaller('reconcile'), ctx.clock.now(), {
        type: 'reconcile.completed', entityType: 'provider', entityId: providerId, before: null, after: summary,
      }));
      return summary;
    },
  };
}
