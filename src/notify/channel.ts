import type { AuditType } from '../core/audit-catalog.ts';
import type { AlertChannelName } from '../core/ports/lifecycle.ts';

/**
 * A message to people and systems, independent of how it travels. Channels (webhook, email, audit) turn it into
 * their own format. Nothing in it may be secret: it is stored in the alert ledger and sent in clear. The one
 * exception is a rotation notice's one-time link, which only exists in the copy handed to the webhook and email
 * channels at delivery time (src/control/lifecycle/rotation-notice-ledger.ts), never in the ledger, logs or audit.
 */
export interface Notification {
  /** Stable across retries: the `webhook-id`, the email Message-ID, the audit dedup key. */
  id: string;
  /** Event type for machines, e.g. `credential.expiring`. */
  type: string;
  occurredAt: number;
  subject: string;
  /** Plain-text body for people. */
  text: string;
  /** Structured body for machines (the webhook's `data`, the audit event's `after`). */
  data: Record<string, unknown>;
  /** People to write to besides the channel's own configured recipients (e.g. the app's owner contacts). */
  recipients: string[];
  /**
   * True when the message carries a capability meant for `recipients` alone (a one-time secret link): channels add
   * none of their own configured recipients (the email channel's admins).
   */
  recipientsOnly?: boolean;
  /** How the audit channel records it; null = not audited. */
  audit: { type: AuditType; entityType: string; entityId: string } | null;
}

export interface DeliveryOutcome {
  ok: boolean;
  /** HTTP status or SMTP reply code, when the other side answered. */
  statusCode: number | null;
  /** Short and secret-free (no URLs, no credentials). */
  error: string | null;
  /** False when trying again cannot help (e.g. SMTP 5xx "no such mailbox"). */
  retryable: boolean;
}

export interface NotificationChannel {
  readonly name: AlertChannelName;
  deliver(notification: Notification, now: number): Promise<DeliveryOutcome>;
}

export const delivered: DeliveryOutcome = { ok: true, statusCode: null, error: null, retryable: false };
