import type { Credential } from '../../core/domain.ts';
import type { AlertChannelName, AlertRecord } from '../../core/ports/lifecycle.ts';
import { listAll } from '../context.ts';
import { appOwners } from './app-owners.ts';
import type { LifecycleDeps } from './deps.ts';
import { composeRetirementWarning, type RetirementWarningFacts } from './retirement-warning.ts';

/** How long before a retiring secret is removed the warning goes out, when it is still in use (default 24 h). */
export const DEFAULT_RETIREMENT_WARNING_WINDOW_MS = 24 * 3_600_000;
/**
 * With a replacement that has been used, the old secret counts as still in use only when it was used this recently:
 * a client that switched a day after the rotation must not be warned about its last call with the old secret.
 */
export const STILL_IN_USE_MS = 24 * 3_600_000;
/**
 * The ledger key's threshold for retirement warnings. Not 0: a secret created by a scheduled rotation already holds
 * (its id, 0, channel) rows for its rotation notice, and when it is rotated in turn its warning would collide with
 * them and never be sent. Expiry alerts use whole days ≥ 1, rotation notices 0, so -1 is free.
 */
export const RETIREMENT_WARNING_THRESHOLD = -1;

export interface RetirementWatchReport {
  /** Ledger rows created (one per warned credential × channel). */
  planned: number;
  /** Retiring credentials warned about in this run (those with at least one new row). */
  warned: { appId: string; credentialId: string; replacementUsed: boolean }[];
}

/**
 * Warns before a replaced secret that is still in use is removed (the sweeper removes it at `retireAt` regardless:
 * the warning is advisory). A retiring app secret whose `retireAt` is within the warning window is "still in use"
 * when its `lastUsedAt` (gateway or IdP sign-in report) is after its rotation and either its replacement has never
 * been used or it was itself used within STILL_IN_USE_MS. One `credential.retiring_in_use` notice per credential and
 * channel goes into the alert ledger; its unique key makes this idempotent across ticks, nodes and restarts.
 * Run it before delivery so the warning goes out in the same tick.
 */
export async function planRetirementWarnings(deps: LifecycleDeps, channels: AlertChannelName[]): Promise<RetirementWatchReport> {
  const report: RetirementWatchReport = { planned: 0, warned: [] };
  if (channels.length === 0) return report;
  const now = deps.clock.now();
  const windowMs = deps.retirementWarningWindowMs ?? DEFAULT_RETIREMENT_WARNING_WINDOW_MS;
  const retiring = await listAll((p) => deps.store.credentials.list({ ownerType: 'app', states: ['retiring'] }, p));
  // Past retireAt the sweeper removes it in this very tick: a warning would arrive after the fact.
  const due = retiring.filter((c) => c.retireAt !== null && c.retireAt > now && c.retireAt - now <= windowMs && c.lastUsedAt !== null);
  const ownerOf = appOwners(deps);

  for (const credential of due) {
    const existing = await deps.lifecycleStore.listAlerts({ credentialId: credential.id, kind: 'retirement' });
    const missing = channels.filter((ch) => !existing.some((a) => a.channel === ch));
    if (missing.length === 0) continue;

    const rotatedAt = await rotationTimeOf(deps, credential);
    if (rotatedAt === null || credential.lastUsedAt! <= rotatedAt) continue;
    const replacement = await replacementOf(deps, credential, rotatedAt);
    const replacementUsed = replacement?.lastUsedAt != null;
    if (replacementUsed && credential.lastUsedAt! < now - STILL_IN_USE_MS) continue; // switched; the old secret's last use is old news

    const owner = await ownerOf(credential.ownerId);
    if (!owner) continue;
    const facts: RetirementWarningFacts = {
      app: { id: owner.app.id, name: owner.app.name, clientId: owner.app.clientId, contacts: owner.app.ownerContacts },
      environment: owner.env ? { id: owner.env.id, name: owner.env.name } : null,
      credential: {
        id: credential.id, keyId: credential.keyId, hint: credential.hint, expiresAt: credential.expiresAt, retireAt: credential.retireAt!,
        lastUsedAt: credential.lastUsedAt!, lastUsedSource: credential.lastUsedSource ?? null,
      },
      rotatedAt,
      replacement: replacement && {
        id: replacement.id, keyId: replacement.keyId, hint: replacement.hint, createdAt: replacement.createdAt,
        lastUsedAt: replacement.lastUsedAt, lastUsedSource: replacement.lastUsedSource ?? null,
      },
      canExtendGrace: true,
      now,
    };
    const notification = composeRetirementWarning(facts);
    let claimed = 0;
    for (const channel of missing) {
      const row: AlertRecord = {
        id: `${notification.id}.${channel}`, kind: 'retirement', credentialId: credential.id, thresholdDays: RETIREMENT_WARNING_THRESHOLD,
        channel, status: 'pending', payload: notification as unknown as Record<string, unknown>, attempts: 0, nextAttemptAt: now,
        lastError: null, createdAt: now, sentAt: null,
      };
      if (await deps.lifecycleStore.claimAlert(row)) claimed++;
    }
    if (claimed === 0) continue;
    report.planned += claimed;
    report.warned.push({ appId: owner.app.id, credentialId: credential.id, replacementUsed });
    deps.logger?.warn(
      { appId: owner.app.id, credentialId: credential.id, keyId: credential.keyId, retireAt: credential.retireAt, lastUsedAt: credential.lastUsedAt, replacementUsed },
      'a retiring secret is still in use shortly before its removal; warning queued',
    );
  }
  return report;
}

/**
 * When the credential was replaced: its `credential.retiring` audit event, written in the rotation's transaction.
 * A grace extension writes that event type too (retiring → retiring), so the rotation is the one that left `active`;
 * without any, the oldest. Null when there is none (nothing to compare the last use with: no warning).
 */
async function rotationTimeOf(deps: LifecycleDeps, credential: Credential): Promise<number | null> {
  const events = await listAll((p) => deps.store.audit.list({ entityType: 'credential', entityId: credential.id, type: 'credential.retiring' }, p));
  if (events.length === 0) return null;
  const fromActive = events.filter((e) => (e.before as { state?: string } | null)?.state === 'active');
  return Math.min(...(fromActive.length > 0 ? fromActive : events).map((e) => e.at));
}

/** The app's newest active secret created at or after the rotation: what the client should be using now. */
async function replacementOf(deps: LifecycleDeps, credential: Credential, rotatedAt: number): Promise<Credential | null> {
  const active = await listAll((p) => deps.store.credentials.list({ ownerType: 'app', ownerId: credential.ownerId, states: ['active'] }, p));
  const candidates = active.filter((c) => c.kind === credential.kind && c.createdAt >= rotatedAt).sort((a, b) => b.createdAt - a.createdAt);
  return candidates[0] ?? null;
}
