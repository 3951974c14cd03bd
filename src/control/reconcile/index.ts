/**
 * Reconcile: compare what the platform owns in the IdP with the store, report drift, repair what is safe
 * (`gatehouse reconcile [--fix]`, `POST /v1/providers/{id}/reconcile?fix=true`, the scheduler), and import an
 * existing IdP application (`gatehouse app import --app-id …`). Design notes: docs/reconcile.md.
 */
export { reconcileProvider, type ReconcileDeps, type ReconcileOptions } from './reconcile.ts';
export { importApp, type ImportAppDeps, type ImportAppInput, type ImportAppResult } from './import-app.ts';
export {
  DRIFT_KINDS, type DriftKind, type ReconcileReport, type ReconcileDrift, type ReconcileProgress, type ReconcilePhase,
  type CredentialDriftItem, type AppDriftItem, type OrphanItem, type ReconcileError,
} from './report.ts';
export { RECONCILE_JOB, reconcileKey, enqueueReconcile, reconcileJobHandler, reconcileSummary } from './job.ts';
export { scheduleReconciles, latestReconciles, DEFAULT_RECONCILE_INTERVAL_MS, type ReconcileScheduleOptions, type ReconcileScheduleReport } from './schedule.ts';
export { registerReconcileGauges, RECONCILE_DRIFT_METRIC, RECONCILE_LAST_RUN_METRIC } from './metrics.ts';
export { inventoryOf, type IdpClient, type IdpInventory } from './inventory.ts';
