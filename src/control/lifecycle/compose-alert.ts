import { createHash } from 'node:crypto';
import { providerCredentialAction } from './provider-credential-advice.ts';
import type { Credential } from '../../core/domain.ts';
import type { Notification } from '../../notify/channel.ts';
import { daysLeft } from './thresholds.ts';

export interface AlertFacts {
  credential: Credential;
  owner: { type: Credential['ownerType']; id: string; name: string | null; contacts: string[] };
  environments: { id: string; name: string }[];
  thresholdDays: number;
  /** Calls by the owning app over `usageWindowDays`, and when it was last seen (null = never). */
  usage: { calls: number; windowDays: number; lastUsedAt: number | null };
  now: number;
}

/** Same id for the same credential and threshold, whatever the channel or node: the webhook-id receivers dedupe on. */
export function alertId(credentialId: string, thresholdDays: number): string {
  return 'alr_' + createHash('sha256').update(`${credentialId}:${thresholdDays}`).digest('base64url').slice(0, 26);
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * One alert: what expires, when, how much it is used, and what to do — as text for people and data for machines.
 * Contains the key id and the 3-character hint (what Entra shows), never more of the secret.
 */
export function composeExpiryAlert(f: AlertFacts): Notification {
  const c = f.credential;
  const expiresAt = c.expiresAt!;
  const left = daysLeft(expiresAt, f.now);
  const expired = expiresAt <= f.now;
  const ownerLabel = f.owner.type === 'app' ? `app "${f.owner.name ?? f.owner.id}"` : `provider "${f.owner.name ?? f.owner.id}" (Gatehouse's own credential)`;
  const envLabel = f.environments.map((e) => e.name).join(', ') || 'no environment';
  const when = expired ? `expired on ${isoDay(expiresAt)}` : `expires in ${left} day${left === 1 ? '' : 's'} (${isoDay(expiresAt)})`;
  const subject = `[Gatehouse] ${c.kind === 'certificate' ? 'Certificate' : 'Secret'} of ${ownerLabel} ${when}`;

  const unused = f.usage.calls === 0;
  const usageLine = unused
    ? `Usage: no calls in the last ${f.usage.windowDays} days${f.usage.lastUsedAt ? `; last seen ${iso(f.usage.lastUsedAt)}` : '; never seen at the gateway'}.`
    : `Usage: ${f.usage.calls} call${f.usage.calls === 1 ? '' : 's'} in the last ${f.usage.windowDays} days; last seen ${iso(f.usage.lastUsedAt) ?? 'unknown'}.`;
  const action = actionFor(f, unused);

  const text = [
    `The ${c.kind} ${c.hint}… (key id ${c.keyId}) of ${ownerLabel} in ${envLabel} ${when}.`,
    expired ? 'Calls made with it are already refused.' : 'When it expires, calls made with it will be refused.',
    '',
    usageLine,
    c.origin === 'external' ? 'It was added in the identity provider outside Gatehouse.' : '',
    '',
    `What to do: ${action.text}`,
    '',
    `Credential ${c.id}, alert threshold ${f.thresholdDays} day${f.thresholdDays === 1 ? '' : 's'}. You get one message per threshold.`,
  ].filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n');

  return {
    id: alertId(c.id, f.thresholdDays),
    type: 'credential.expiring',
    occurredAt: f.now,
    subject,
    text,
    data: {
      credential: { id: c.id, keyId: c.keyId, hint: c.hint, kind: c.kind, origin: c.origin, state: c.state, expiresAt: iso(expiresAt) },
      owner: { type: f.owner.type, id: f.owner.id, name: f.owner.name },
      environments: f.environments,
      thresholdDays: f.thresholdDays,
      daysLeft: left,
      expired,
      usage: { calls: f.usage.calls, windowDays: f.usage.windowDays, lastUsedAt: iso(f.usage.lastUsedAt) },
      action,
    },
    recipients: f.owner.type === 'app' ? f.owner.contacts : [],
    audit: { type: 'credential.alerted', entityType: 'credential', entityId: c.id },
  };
}

function actionFor(f: AlertFacts, unused: boolean): { text: string; cli: string | null; api: string | null } {
  if (f.owner.type === 'provider') return providerCredentialAction({ id: f.owner.id, name: f.owner.name ?? null }, f.credential.kind);
  const cli = `gatehouse credential rotate --app ${f.owner.id}`;
  const api = `POST /v1/apps/${f.owner.id}/credentials/rotate`;
  const retire = unused ? ' The app looks unused: if nobody needs it any more, delete it instead of rotating.' : '';
  return {
    text: `rotate it with \`${cli}\` (or ${api}). The new secret is shown once (or sent as a one-time link); the old one keeps working for a grace period (7 days by default), so update the client within that window.${retire}`,
    cli,
    api,
  };
}
