import { Gauge, type Registry } from 'prom-client';
import type { Job } from '../../core/domain.ts';
import { DRIFT_KINDS, type DriftKind } from './report.ts';

export const RECONCILE_DRIFT_METRIC = 'gatehouse_reconcile_drift_items';
export const RECONCILE_LAST_RUN_METRIC = 'gatehouse_reconcile_last_success_timestamp_seconds';

/**
 * Drift found by each provider's latest successful reconcile job, per kind, and when that run ended — read from the
 * job history at scrape time. Alert on `gatehouse_reconcile_drift_items > 0` for drift, and on
 * `time() - gatehouse_reconcile_last_success_timestamp_seconds > 2 * interval` for a reconciler that stopped running.
 * Labels use the provider's name, as dashboards show it.
 * Usage: `registerReconcileGauges(registry, () => latestReconciles(store), (id) => providerName)`.
 */
export function registerReconcileGauges(
  registry: Registry, latest: () => Promise<Map<string, Job>>, providerName: (id: string) => Promise<string>,
): void {
  const read = async () =>
    Promise.all([...(await latest()).entries()].map(async ([id, job]) => ({ provider: await providerName(id), job })));

  new Gauge({
    name: RECONCILE_DRIFT_METRIC,
    help: 'Drift items found by the latest successful reconcile of each provider, by kind.',
    labelNames: ['provider', 'kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { provider, job } of await read()) {
        const counts = (job.progress.summary ?? job.progress.result) as { counts?: Partial<Record<DriftKind, number>> } | undefined;
        for (const kind of Object.keys(DRIFT_KINDS) as DriftKind[]) this.set({ provider, kind }, counts?.counts?.[kind] ?? 0);
      }
    },
  });
  new Gauge({
    name: RECONCILE_LAST_RUN_METRIC,
    help: 'When the latest successful reconcile of each provider ended, in unix seconds.',
    labelNames: ['provider'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { provider, job } of await read()) this.set({ provider }, job.updatedAt / 1000);
    },
  });
}
