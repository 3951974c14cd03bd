import { randomBytes } from 'node:crypto';
import type { Credential, Environment } from '../../core/domain.ts';
import type { AlertChannelName, AlertRecord } from '../../core/ports/lifecycle.ts';
import type { DeliveryOutcome, Notification, NotificationChannel } from '../../notify/channel.ts';
import { nextRetryDelayMs } from '../../notify/backoff.ts';
import { listAll } from '../context.ts';
import { alertId, composeExpiryAlert } from './compose-alert.ts';
import type { LifecycleDeps } from './deps.ts';
import { ownerLookup } from './inventory.ts';
import { rotationNoticeOf } from './rotation-notice-ledger.ts';
import { alertThresholdsOf, DAY_MS, planThresholds } from './thresholds.ts';

/** How far back "how much is it used" looks in an alert. */
export const USAGE_WINDOW_DAYS = 30;

export interface PlanReport {
  /** Alert rows created for delivery (one per credential × threshold × channel). */
  planned: number;
  superseded: number;
}

/**
 * Finds active credentials that crossed an alert threshold and writes one pending alert per configured channel
 * into the ledger. The ledger's unique key (credential, threshold, channel) makes this idempotent: running it
 * again, on another node, or after a restart adds nothing. Retiring credentials are left alone (a replacement
 * exists already); removed ones are gone.
 */
export async function planExpiryAlerts(deps: LifecycleDeps, channels: AlertChannelName[]): Promise<PlanReport> {
  const { store, lifecycleStore } = deps;
  const now = deps.clock.now();
  const envs = await listAll((p) => store.environments.list({}, p));
  const widest = Math.max(...envs.flatMap((e) => alertThresholdsOf(e)), ...alertThresholdsOf(null));
  const candidates = await listAll((p) => store.credentials.list({ states: ['active'], expiresBefore: now + widest * DAY_MS }, p));
  const owners = ownerLookup(store);
  const report: PlanReport = { planned: 0, superseded: 0 };

  for (const credential of candidates) {
    if (credential.expiresAt === null) continue;
    const resolved = await owners.resolve(credential);
    const thresholds = thresholdsFor(credential, resolved.environments.map((e) => envs.find((x) => x.id === e.id) ?? null));
    const plan = planThresholds(credential.expiresAt, now, thresholds);
    if (plan.fire === null) continue;

    const existing = await lifecycleStore.listAlerts({ credentialId: credential.id, kind: 'expiry' });
    const has = (threshold: number, channel: AlertChannelName) => existing.some((a) => a.thresholdDays === threshold && a.channel === channel);

    for (const threshold of plan.supersede) {
      for (const channel of channels) {
        if (has(threshold, channel)) continue;
        const row = ledgerRow(alertId(credential.id, threshold), credential.id, threshold, channel, 'superseded', {}, now);
        if (await lifecycleStore.claimAlert(row)) report.superseded++;
      }
    }

    const missing = channels.filter((c) => !has(plan.fire!, c));
    if (missing.length === 0) continue;
    const usage = await usageOf(deps, credential, owners);
    const notification = composeExpiryAlert({
      credential,
      owner: { type: credential.ownerType, id: credential.ownerId, name: resolved.name, contacts: resolved.app?.ownerContacts ?? [] },
      environments: resolved.environments,
      thresholdDays: plan.fire,
      usage,
      now,
    });
    for (const channel of missing) {
      const row = ledgerRow(notification.id, credential.id, plan.fire, channel, 'pending', notification as unknown as Record<string, unknown>, now);
      if (await lifecycleStore.claimAlert(row)) report.planned++;
    }
  }
  return report;
}

export interface DeliveryReport {
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Hands due alerts (and rotation notices) to their channels and records every attempt in the delivery log. A failure is retried on a
 * later run per the backoff schedule (durable: the next attempt time is in the ledger), until it succeeds or the
 * schedule ends. Delivery is at-least-once: a crash between sending and recording resends with the same id.
 */
export async function deliverDueAlerts(deps: LifecycleDeps, channels: NotificationChannel[], batch = 100): Promise<DeliveryReport> {
  const { lifecycleStore } = deps;
  const report: DeliveryReport = { delivered: 0, retrying: 0, failed: 0 };
  const byName = new Map(channels.map((c) => [c.name, c]));
  for (const alert of await lifecycleStore.dueAlerts(deps.clock.now(), batch)) {
    const channel = byName.get(alert.channel);
    const attempt = alert.attempts + 1;
    const started = deps.clock.now();
    const notification = notificationOf(alert, deps);
    const outcome: DeliveryOutcome = !channel
      ? { ok: false, statusCode: null, error: `channel ${alert.channel} is no longer configured`, retryable: false }
      : notification === null
        ? { ok: false, statusCode: null, error: 'the one-time link of this rotation notice cannot be opened (master key missing or changed)', retryable: true }
        : await channel.deliver(notification, started).catch((e: unknown) => ({
            ok: false, statusCode: null, error: `channel error: ${(e as Error)?.name ?? 'unknown'}`, retryable: true,
          }));
    const at = deps.clock.now();
    await lifecycleStore.recordAttempt({
      id: `${alert.id}.${attempt}.${randomBytes(4).toString('hex')}`,
      alertId: alert.id,
      channel: alert.channel,
      attempt,
      at,
      ok: outcome.ok,
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs: Math.max(0, at - started),
    });
    const next: AlertRecord = { ...alert, attempts: attempt, lastError: outcome.ok ? null : outcome.error };
    if (outcome.ok) {
      Object.assign(next, { status: 'sent', sentAt: at });
      report.delivered++;
    } else {
      const delay = outcome.retryable ? nextRetryDelayMs(attempt) : null;
      if (delay === null) {
        next.status = 'failed';
        report.failed++;
        deps.logger?.warn({ alertId: alert.id, channel: alert.channel, attempts: attempt, error: outcome.error }, 'credential alert not delivered; giving up');
      } else {
        next.nextAttemptAt = at + delay;
        report.retrying++;
      }
    }
    await lifecycleStore.updateAlert(next);
  }
  return report;
}

/** Expiry alerts are stored composed; rotation notices are composed now (their link unsealed in memory only). Null: cannot. */
function notificationOf(alert: AlertRecord, deps: LifecycleDeps): Notification | null {
  if (alert.kind !== 'rotation') return alert.payload as unknown as Notification;
  try {
    return rotationNoticeOf(alert, deps.rotationNotices);
  } catch {
    return null; // the reason may name vault internals; the outcome says what the operator needs to know
  }
}

function thresholdsFor(credential: Credential, envs: (Environment | null)[]): number[] {
  // A provider's credential serves several environments: alert at every threshold any of them asks for.
  const sets = envs.filter((e): e is Environment => e !== null).map((e) => alertThresholdsOf(e));
  if (credential.ownerType === 'app' || sets.length <= 1) return sets[0] ?? alertThresholdsOf(null);
  return [...new Set(sets.flat())].sort((a, b) => b - a);
}

async function usageOf(deps: LifecycleDeps, credential: Credential, owners: ReturnType<typeof ownerLookup>) {
  const now = deps.clock.now();
  if (credential.ownerType !== 'app') return { calls: 0, windowDays: USAGE_WINDOW_DAYS, lastUsedAt: credential.lastUsedAt };
  const rollups = await listAll((p) => deps.store.usage.rollups({ appId: credential.ownerId, from: now - USAGE_WINDOW_DAYS * DAY_MS, to: now }, p));
  const calls = rollups.reduce((sum, r) => sum + r.count, 0);
  return { calls, windowDays: USAGE_WINDOW_DAYS, lastUsedAt: credential.lastUsedAt ?? (await owners.appLastSeen(credential.ownerId)) };
}

function ledgerRow(
  id: string, credentialId: string, thresholdDays: number, channel: AlertChannelName, status: AlertRecord['status'],
  payload: Record<string, unknown>, now: number,
): AlertRecord {
  return {
    id: `${id}.${channel}`, kind: 'expiry', credentialId, thresholdDays, channel, status, payload, attempts: 0, nextAttemptAt: now,
    lastError: null, createdAt: now, sentAt: null,
  };
}
