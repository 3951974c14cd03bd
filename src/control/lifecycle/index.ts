export type { LifecycleDeps, ReadDeps } from './deps.ts';
export { parseIsoDuration, formatIsoDuration } from './iso-duration.ts';
export { alertThresholdsOf, planThresholds, daysLeft, DEFAULT_ALERT_THRESHOLDS_DAYS } from './thresholds.ts';
export { listCredentialInventory, type InventoryItem, type InventoryQuery } from './inventory.ts';
export { registerCredentialExpiryGauge, CREDENTIAL_EXPIRY_METRIC } from './metrics.ts';
export { composeExpiryAlert, alertId } from './compose-alert.ts';
export { planExpiryAlerts, deliverDueAlerts, USAGE_WINDOW_DAYS } from './expiry-watch.ts';
export { rotateCredential, DEFAULT_GRACE_DAYS, type RotationInput, type RotationResult } from './rotation.ts';
export { sweepRetiringCredentials, finishRotation, LIFECYCLE_CALLER } from './sweeper.ts';
export { createSecretDelivery, fetchSecretDelivery, DEFAULT_DELIVERY_TTL_MS, type SecretDeliveryLink, type FetchedSecret } from './secret-delivery.ts';
export { localSecretBackend, resolveSecretBackend, type SecretBackend } from './secret-backend.ts';
export { staleClientReport, DEFAULT_UNUSED_DAYS, type StaleReport } from './stale-report.ts';
export { startLifecycleScheduler, LIFECYCLE_LEASE, type LifecycleScheduler, type LifecycleSchedulerOptions, type TickReport } from './scheduler.ts';
export { LifecycleService, type InventoryParams } from './service.ts';
export { startLifecycle, type StartLifecycleOptions } from './start.ts';
export { syncProviderCredentials, rotateProviderCredential, finishProviderRetirements, type ProviderCredentialDeps } from './provider-credential.ts';
export { providerRotationPhase, DEFAULT_PROVIDER_ROTATE_WITHIN_DAYS, type ProviderPhaseDeps, type ProviderPhaseReport } from './provider-credential-phase.ts';
export { providerCredentialAction } from './provider-credential-advice.ts';
export { scheduledRotationPhase, type ScheduledRotationReport } from './scheduled-rotation.ts';
export {
  credentialActivityPhase, DEFAULT_CREDENTIAL_ACTIVITY_INTERVAL_MS, DEFAULT_CREDENTIAL_ACTIVITY_UNAVAILABLE_BACKOFF_MS,
  type CredentialActivityDeps, type CredentialActivityMemo, type CredentialActivityReport,
} from './credential-activity.ts';
