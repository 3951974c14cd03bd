import type { Credential } from '../../core/domain.ts';
import { GatehouseError } from '../../core/errors.ts';
import type { AlertChannelName } from '../../core/ports/lifecycle.ts';
import { DAY_MS, listAll } from '../context.ts';
import { appOwners } from './app-owners.ts';
import type { LifecycleDeps } from './deps.ts';
import { deliveryUrl, linkChannelsFor, planRotationNotice } from './rotation-notice-ledger.ts';
import type { RotationNoticeFacts } from './rotation-notice.ts';
import { rotateCredential, type RotationResult } from './rotation.ts';
import { LIFECYCLE_CALLER } from './sweeper.ts';

export interface ScheduledRotationReport {
  /** One entry per rotated credential. No secret material: the new secret is only behind its one-time link. */
  rotated: {
    appId: string; retiredCredentialId: string; credentialId: string; deliveryId: string; deliveryExpiresAt: number;
    /** Channels the rotation notice was queued on (delivered by the alert outbox, with retries). */
    noticeChannels: AlertChannelName[];
    /** False when no notice carrying the link could be queued: nobody will hand the new secret to the client. */
    ownerNotified: boolean;
  }[];
  /** Due, but not rotated because nobody could be told; retried each tick, so configuring a channel is enough. */
  skipped: { appId: string; credentialId: string; reason: 'no-reachable-channel' | 'no-public-url' }[];
  /** Rotations that failed this time (IdP down, app not onboarded…); the credential stays active and is retried next tick. */
  errors: { credentialId: string; code: string }[];
}

/**
 * Scheduled rotation per environment (`settings.autoRotateDaysBeforeExpiry`, off by default): every active,
 * Gatehouse-issued app secret expiring within that many days is rotated with a one-time delivery link and the
 * default grace, and the app's owner is told through the alert outbox (`credential.rotated`: the webhook and the
 * owner contacts get the link, the audit log records that it was sent). Once rotated it is `retiring`, no longer
 * active, so each credential is rotated at most once; the replacement expires a full lifetime later, outside the
 * window (the setting is validated below the lifetime).
 *
 * An app whose owner no channel reaches (no webhook; no email channel or no owner contacts) is not rotated: the
 * client would break at the end of the grace period with nobody having seen the new secret. It stays active and
 * keeps getting its expiry alerts.
 */
export async function scheduledRotationPhase(deps: LifecycleDeps): Promise<ScheduledRotationReport> {
  const now = deps.clock.now();
  const report: ScheduledRotationReport = { rotated: [], skipped: [], errors: [] };
  const active = await listAll((p) => deps.store.credentials.list({ ownerType: 'app', states: ['active'] }, p));
  const candidates = active.filter((c) => c.kind === 'secret' && c.origin === 'gatehouse' && c.expiresAt !== null);
  const ownerOf = appOwners(deps);
  for (const credential of candidates) {
    const found = await ownerOf(credential.ownerId);
    const owner = found?.env ? { app: found.app, env: found.env } : null;
    const days = owner?.env.settings.autoRotateDaysBeforeExpiry ?? null;
    if (!owner || days === null || credential.expiresAt! - now > days * DAY_MS) continue;

    const linkChannels = linkChannelsFor(deps.rotationNotices, owner.app.ownerContacts);
    const publicApiUrl = deps.rotationNotices?.publicApiUrl() || null;
    if (linkChannels.length === 0 || publicApiUrl === null) {
      report.skipped.push({ appId: owner.app.id, credentialId: credential.id, reason: linkChannels.length === 0 ? 'no-reachable-channel' : 'no-public-url' });
      continue;
    }
    let result: RotationResult;
    try {
      result = await rotateCredential(deps, LIFECYCLE_CALLER, { appId: credential.ownerId, credentialId: credential.id, delivery: 'link' });
    } catch (error) {
      const code = error instanceof GatehouseError ? error.code : 'INTERNAL';
      report.errors.push({ credentialId: credential.id, code });
      deps.logger?.warn({ credentialId: credential.id, code }, 'scheduled rotation failed; will retry');
      continue;
    }
    const delivery = result.delivery!;
    const facts: RotationNoticeFacts = {
      app: { id: owner.app.id, name: owner.app.name, clientId: result.clientId, contacts: owner.app.ownerContacts },
      environment: { id: owner.env.id, name: owner.env.name },
      windowDays: days,
      replaced: { ...keyFacts(credential), retireAt: result.retiring.find((c) => c.id === credential.id)?.retireAt ?? now },
      credential: keyFacts(result.credential),
      delivery: { id: delivery.id, expiresAt: delivery.expiresAt },
      linkChannels,
      rotatedAt: now,
    };
    let noticeChannels: AlertChannelName[] = [];
    try {
      noticeChannels = await planRotationNotice(deps, deps.rotationNotices!, facts, { url: deliveryUrl(publicApiUrl, delivery.path) });
    } catch (error) {
      // The rotation stands (the old secret works until the end of grace); say loudly that nobody was told.
      deps.logger?.error({ err: error, appId: owner.app.id, credentialId: result.credential.id, deliveryId: delivery.id },
        'scheduled rotation done, but its notice could not be queued: the owner was NOT notified; rotate again by hand before the grace period ends');
    }
    const ownerNotified = noticeChannels.some((c) => c !== 'audit');
    report.rotated.push({
      appId: owner.app.id, retiredCredentialId: credential.id, credentialId: result.credential.id,
      deliveryId: delivery.id, deliveryExpiresAt: delivery.expiresAt, noticeChannels, ownerNotified,
    });
    if (ownerNotified) {
      deps.logger?.info({ appId: owner.app.id, retiredCredentialId: credential.id, credentialId: result.credential.id, noticeChannels }, 'scheduled rotation: owner notice queued');
    }
  }
  if (report.skipped.length > 0) {
    deps.logger?.warn(
      { skipped: report.skipped.length, credentialIds: report.skipped.map((s) => s.credentialId), reasons: [...new Set(report.skipped.map((s) => s.reason))] },
      'scheduled rotation skipped: no channel reaches the owner (configure the alert webhook, or SMTP and the app\'s owner contacts)',
    );
  }
  return report;
}

function keyFacts(c: Pick<Credential, 'id' | 'keyId' | 'hint' | 'expiresAt'>): RotationNoticeFacts['credential'] {
  return { id: c.id, keyId: c.keyId, hint: c.hint, expiresAt: c.expiresAt };
}
