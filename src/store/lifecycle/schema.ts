/**
 * Tables of the lifecycle store. Times are epoch ms in `bigint` columns; PostgreSQL returns those as strings,
 * so every read goes through Number() in the repository.
 */
export interface LifecycleAlertsTable {
  id: string;
  /** Added by migration 004 (default 'expiry'). */
  kind: string;
  credential_id: string;
  threshold_days: number;
  channel: string;
  status: string;
  payload: string;
  attempts: number;
  next_attempt_at: number | string;
  last_error: string | null;
  created_at: number | string;
  sent_at: number | string | null;
}

export interface LifecycleDeliveryAttemptsTable {
  id: string;
  alert_id: string;
  channel: string;
  attempt: number;
  at: number | string;
  ok: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface LifecycleLeasesTable {
  name: string;
  owner: string;
  expires_at: number | string;
  acquired_at: number | string;
}

export interface LifecycleSecretDeliveriesTable {
  id: string;
  app_id: string;
  credential_id: string;
  ciphertext: string;
  created_at: number | string;
  expires_at: number | string;
  fetched_at: number | string | null;
}

export interface LifecycleDatabase {
  lifecycle_alerts: LifecycleAlertsTable;
  lifecycle_delivery_attempts: LifecycleDeliveryAttemptsTable;
  lifecycle_leases: LifecycleLeasesTable;
  lifecycle_secret_deliveries: LifecycleSecretDeliveriesTable;
}
