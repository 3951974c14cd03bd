import { createHash } from 'node:crypto';
import type { AlertChannelName } from '../../core/ports/lifecycle.ts';
import type { Notification } from '../../notify/channel.ts';
import type { Vault } from '../../platform/vault.ts';

/** The webhook event type of a rotation notice (expiry alerts send `credential.expiring`). */
export const ROTATION_NOTICE_TYPE = 'credential.rotated';

/** What a scheduled rotation needs to tell the app's owner. Without it, scheduled rotation does not run. */
export interface RotationNoticeDeps {
  /** Names of the configured alert channels, as the scheduler delivers to them. */
  channels: AlertChannelName[];
  /**
   * Base URL of the management API as owners reach it (GATEHOUSE_PUBLIC_API_URL, else the API's own URL), without a
   * trailing slash; read when a notice is planned. Null or empty: no link can be sent, so nothing is rotated.
   */
  publicApiUrl: () => string | null;
  /** Seals the one-time link in the alert ledger (bound to the ledger row) and opens it at delivery. */
  vault: Pick<Vault, 'encrypt' | 'decrypt'>;
}

/** Everything a rotation notice says, frozen in the ledger when planned. Nothing secret: the link is kept apart. */
export interface RotationNoticeFacts {
  app: { id: string; name: string; clientId: string | null; contacts: string[] };
  environment: { id: string; name: string };
  /** The environment's `autoRotateDaysBeforeExpiry`. */
  windowDays: number;
  /** The replaced secret; it keeps working until `retireAt` (end of grace). */
  replaced: { id: string; keyId: string; hint: string; expiresAt: number | null; retireAt: number };
  credential: { id: string; keyId: string; hint: string; expiresAt: number | null };
  delivery: { id: string; expiresAt: number };
  /** Channels the link travels on (the audit copy names them instead of carrying the link). */
  linkChannels: AlertChannelName[];
  rotatedAt: number;
}

/** Same id for the same rotation on every channel and node: the `webhook-id` and email Message-ID receivers dedupe on. */
export function rotationNoticeId(newCredentialId: string): string {
  return 'alr_' + createHash('sha256').update(`rotation:${newCredentialId}`).digest('base64url').slice(0, 26);
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoDay = (ms: number) => iso(ms).slice(0, 10);
const isoMinute = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ') + ' UTC';

/**
 * The notice of one scheduled rotation: which secret was replaced, the new one (key id, hint, expiry), where to fetch
 * it and until when, when the old one stops working, and what to do. `link` is the one-time URL for the channels
 * that carry it (webhook, owner email); null gives the copy for the audit log, which says a link was sent instead.
 */
export function composeRotationNotice(f: RotationNoticeFacts, link: string | null): Notification {
  const appLabel = `app "${f.app.name}"`;
  const graceDays = Math.round((f.replaced.retireAt - f.rotatedAt) / 86_400_000);
  const cli = `gatehouse credential rotate --app ${f.app.id}`;
  const api = `POST /v1/apps/${f.app.id}/credentials/rotate`;
  const action = {
    text: `fetch the new secret from the one-time link, put it into the client's configuration${f.app.clientId ? ` (client id ${f.app.clientId})` : ''} ` +
      `and deploy before ${isoMinute(f.replaced.retireAt)}, when the old secret stops working. If the link has expired or was ` +
      `already used, rotate again with \`${cli}\` (or ${api}) and use the secret it returns.`,
    cli,
    api,
  };
  const sentVia = f.linkChannels.map((c) => (c === 'email' ? "the app's owner contacts" : 'the alert webhook')).join(' and ');
  const linkLines = link === null
    ? [`A one-time link to the new secret was sent to ${sentVia}; it expires at ${isoMinute(f.delivery.expiresAt)}.`]
    : [
        `Fetch the new secret once, before ${isoMinute(f.delivery.expiresAt)}:`,
        link,
        'The link works one time only, and whoever opens it gets the secret: open it yourself and do not forward it.',
      ];
  const text = [
    `Gatehouse rotated the secret of ${appLabel} in ${f.environment.name}: the secret ${f.replaced.hint}… (key id ${f.replaced.keyId})` +
      `${f.replaced.expiresAt === null ? '' : ` expires on ${isoDay(f.replaced.expiresAt)}`}, and this environment rotates secrets ` +
      `${f.windowDays} day${f.windowDays === 1 ? '' : 's'} before they expire.`,
    '',
    `New secret: ${f.credential.hint}… (key id ${f.credential.keyId})${f.credential.expiresAt === null ? '' : `, expires on ${isoDay(f.credential.expiresAt)}`}.`,
    ...linkLines,
    '',
    `The old secret ${f.replaced.hint}… keeps working until ${isoMinute(f.replaced.retireAt)} (the ${graceDays}-day grace period); after that, calls made with it are refused.`,
    '',
    `What to do: ${action.text}`,
    '',
    `Credential ${f.credential.id} replaces ${f.replaced.id}. You get one message per rotation.`,
  ].join('\n');

  return {
    id: rotationNoticeId(f.credential.id),
    type: ROTATION_NOTICE_TYPE,
    occurredAt: f.rotatedAt,
    subject: `[Gatehouse] Secret of ${appLabel} rotated: fetch the new one before ${isoDay(f.delivery.expiresAt)}`,
    text,
    data: {
      app: { id: f.app.id, name: f.app.name, clientId: f.app.clientId },
      environment: f.environment,
      credential: { ...f.credential, expiresAt: f.credential.expiresAt === null ? null : iso(f.credential.expiresAt) },
      replaced: {
        ...f.replaced,
        expiresAt: f.replaced.expiresAt === null ? null : iso(f.replaced.expiresAt),
        retireAt: iso(f.replaced.retireAt),
      },
      delivery: { id: f.delivery.id, expiresAt: iso(f.delivery.expiresAt), sentVia: f.linkChannels, ...(link === null ? {} : { url: link }) },
      rotatedDaysBeforeExpiry: f.windowDays,
      action,
    },
    recipients: f.app.contacts,
    // The link is the owner's to use: admins are not copied on the email (they see the audit event).
    recipientsOnly: true,
    audit: { type: 'credential.alerted', entityType: 'credential', entityId: f.credential.id },
  };
}
