import type { Clock } from '../../core/clock.ts';
import type { AlertChannelName, AlertRecord, LifecycleStore } from '../../core/ports/lifecycle.ts';
import type { Notification } from '../../notify/channel.ts';
import { composeRotationNotice, rotationNoticeId, type RotationNoticeDeps, type RotationNoticeFacts } from './rotation-notice.ts';

/**
 * Rotation notices travel through the alert ledger like expiry alerts (same outbox, retries and delivery log), as
 * `kind: 'rotation'` rows keyed on the new credential with threshold 0. The one-time link is a bearer capability,
 * so it is never stored in clear: the rows of the channels that carry it hold it sealed with the master key (bound
 * to the row id), and it is put into the message only in memory, right before the channel sends it.
 */
interface RotationNoticePayload {
  facts: RotationNoticeFacts;
  /** The link sealed with the vault; null on the audit row, which records that a link was sent, not the link. */
  sealedLink: string | null;
}

/** The channels that can hand the link to the owner: the webhook, and email when the app lists owner contacts. */
export function linkChannelsFor(notices: RotationNoticeDeps | undefined, contacts: readonly string[]): AlertChannelName[] {
  if (!notices) return [];
  return notices.channels.filter((c) => c === 'webhook' || (c === 'email' && contacts.length > 0));
}

/** `base` + `/v1/deliveries/{id}?key=…`, keeping a path prefix of the public URL. */
export function deliveryUrl(publicApiUrl: string, path: string): string {
  return publicApiUrl.replace(/\/+$/, '') + path;
}

/**
 * Writes one pending notice per channel (the link channels in `facts.linkChannels`, plus the audit log when
 * configured). Returns the channels this call claimed; the ledger's unique key makes a repeat add nothing.
 */
export async function planRotationNotice(
  deps: { lifecycleStore: LifecycleStore; clock: Clock },
  notices: RotationNoticeDeps,
  facts: RotationNoticeFacts,
  link: { url: string },
): Promise<AlertChannelName[]> {
  const now = deps.clock.now();
  const id = rotationNoticeId(facts.credential.id);
  const channels = [...facts.linkChannels, ...notices.channels.filter((c) => c === 'audit')];
  const claimed: AlertChannelName[] = [];
  for (const channel of channels) {
    const rowId = `${id}.${channel}`;
    const payload: RotationNoticePayload = { facts, sealedLink: channel === 'audit' ? null : notices.vault.encrypt(link.url, rowId) };
    const row: AlertRecord = {
      id: rowId, kind: 'rotation', credentialId: facts.credential.id, thresholdDays: 0, channel, status: 'pending',
      payload: payload as unknown as Record<string, unknown>, attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now, sentAt: null,
    };
    if (await deps.lifecycleStore.claimAlert(row)) claimed.push(channel);
  }
  return claimed;
}

/**
 * The message to hand to the row's channel. Throws (without the link in the message) when a sealed link cannot be
 * opened: no vault configured, or a different master key.
 */
export function rotationNoticeOf(alert: AlertRecord, notices: RotationNoticeDeps | undefined): Notification {
  const { facts, sealedLink } = alert.payload as unknown as RotationNoticePayload;
  if (sealedLink === null) return composeRotationNotice(facts, null);
  if (!notices) throw new Error('no vault configured to open the one-time link');
  return composeRotationNotice(facts, notices.vault.decrypt(sealedLink, alert.id));
}
