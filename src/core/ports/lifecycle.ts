/**
 * The lifecycle store port: the little state the credential lifecycle keeps beside the main Store.
 * Implementation: src/store/lifecycle (Kysely on SQLite and PostgreSQL, same database as the Store).
 *
 * - Alert ledger: one row per (credential, threshold, channel). The unique key is what makes an alert fire
 *   exactly once, across restarts and across nodes; the row doubles as an outbox (pending → sent | failed).
 *   It carries two kinds of notice: expiry alerts, and rotation notices (a scheduled rotation tells the app's
 *   owner where to fetch the new secret), keyed on the NEW credential with threshold 0 — once per rotation and channel;
 *   and retirement warnings (a replaced secret still in use shortly before its removal), keyed on the RETIRING
 *   credential with threshold -1 (not 0: that credential may hold rotation-notice rows from its own creation).
 * - Delivery log: every attempt to hand an alert to a channel, with its outcome.
 * - Leases: named, owned, expiring rows acquired by compare-and-set, so scheduled work runs on one node at a time.
 * - Secret deliveries: one-time links for rotated secrets; only ciphertext is stored, the key travels in the link.
 */

export type AlertChannelName = 'webhook' | 'email' | 'audit';

/**
 * expiry: a credential crossed an alert threshold. rotation: a scheduled rotation replaced a secret (threshold 0).
 * retirement: a retiring secret is still in use shortly before its removal (threshold -1). Stored as plain text (no
 * CHECK constraint), so a new kind needs no migration.
 */
export type AlertKind = 'expiry' | 'rotation' | 'retirement';

/** pending: to be delivered; sent: delivered; failed: gave up after the last retry; superseded: a tighter threshold fired instead. */
export type AlertStatus = 'pending' | 'sent' | 'failed' | 'superseded';

export interface AlertRecord {
  id: string;
  kind: AlertKind;
  /** Expiry alert: the expiring credential. Rotation notice: the new credential (one per rotation). Retirement warning: the retiring one. */
  credentialId: string;
  /** Expiry alert: the threshold crossed (whole days, at least 1). Rotation notice: 0. Retirement warning: -1. */
  thresholdDays: number;
  channel: AlertChannelName;
  status: AlertStatus;
  /**
   * Frozen when the alert was planned so every retry sends the same message. Expiry alert and retirement warning: the composed notification.
   * Rotation notice: the facts it is composed from, plus the one-time link sealed with the master key for the rows of
   * the channels that carry it (the database alone must not open the link).
   */
  payload: Record<string, unknown>;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface DeliveryAttempt {
  id: string;
  alertId: string;
  channel: AlertChannelName;
  /** 1-based. */
  attempt: number;
  at: number;
  ok: boolean;
  /** HTTP status (webhook) or SMTP reply code (email) when there was one. */
  statusCode: number | null;
  /** Short, secret-free description of the failure. */
  error: string | null;
  durationMs: number;
}

export interface SecretDeliveryRecord {
  id: string;
  appId: string;
  credentialId: string;
  /** AES-256-GCM `iv.tag.ciphertext` (base64url); emptied when fetched. */
  ciphertext: string;
  createdAt: number;
  expiresAt: number;
  fetchedAt: number | null;
}

export interface LeaseHandle {
  name: string;
  owner: string;
  expiresAt: number;
}

export interface LifecycleStore {
  /**
   * Inserts the alert unless one exists for (credentialId, thresholdDays, channel).
   * Returns true when this call created it — the caller that gets true is the only one that delivers it.
   */
  claimAlert(alert: AlertRecord): Promise<boolean>;
  /** Pending alerts due at `now`, oldest first. */
  dueAlerts(now: number, limit: number): Promise<AlertRecord[]>;
  /** Replaces status, attempts, nextAttemptAt, lastError and sentAt of one alert. */
  updateAlert(alert: AlertRecord): Promise<void>;
  listAlerts(filter?: { credentialId?: string; channel?: AlertChannelName; status?: AlertStatus; kind?: AlertKind }): Promise<AlertRecord[]>;

  recordAttempt(attempt: DeliveryAttempt): Promise<void>;
  listAttempts(filter?: { alertId?: string; channel?: AlertChannelName }): Promise<DeliveryAttempt[]>;

  /**
   * Takes or renews the named lease for `owner` until `now + ttlMs`: succeeds when the lease is free, expired or
   * already held by `owner` (compare-and-set). Returns null when another owner holds it.
   */
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<LeaseHandle | null>;
  /** Gives the lease up if `owner` still holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  /**
   * Runs `fn` only while holding the lease, and on PostgreSQL also a session advisory lock on one pinned
   * connection (`pg_try_advisory_lock`), so even a clock-skewed node cannot run it concurrently.
   * Returns `{ ran: false }` without calling `fn` when either is held elsewhere. The lease is kept after `fn`
   * (the holder renews it on its next run); call releaseLease to hand it over.
   */
  runExclusive<T>(name: string, owner: string, now: number, ttlMs: number, fn: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }>;

  insertSecretDelivery(record: SecretDeliveryRecord): Promise<void>;
  getSecretDelivery(id: string): Promise<SecretDeliveryRecord | null>;
  /** Marks the delivery fetched and erases its ciphertext, only if unfetched and unexpired at `now`. True when this call did it. */
  consumeSecretDelivery(id: string, now: number): Promise<boolean>;
  /** Erases ciphertexts of deliveries that expired before `now`; returns how many. */
  purgeExpiredSecretDeliveries(now: number): Promise<number>;
}
