import { createHash } from 'node:crypto';
import type { LastUseSource } from '../../core/domain.ts';
import type { Notification } from '../../notify/channel.ts';

/** The webhook event type of a retirement warning (expiry alerts send `credential.expiring`, rotation notices `credential.rotated`). */
export const RETIREMENT_WARNING_TYPE = 'credential.retiring_in_use';

interface KeyFacts {
  id: string;
  keyId: string;
  hint: string;
  lastUsedAt: number | null;
  lastUsedSource: LastUseSource | null;
}

/** Everything a retirement warning says, frozen in the ledger when planned. Nothing secret: key ids and 3-character hints. */
export interface RetirementWarningFacts {
  app: { id: string; name: string; clientId: string | null; contacts: string[] };
  environment: { id: string; name: string } | null;
  /** The replaced secret, still presented by a client after its replacement existed. */
  credential: KeyFacts & { expiresAt: number | null; retireAt: number; lastUsedAt: number };
  /** When it was rotated (its `credential.retiring` audit event). */
  rotatedAt: number;
  /** The app's newest active secret created at or after the rotation; null when the app has none left. */
  replacement: (KeyFacts & { createdAt: number }) | null;
  /** Whether `POST …/extend-grace` exists to buy time (false: the message does not offer it). */
  canExtendGrace: boolean;
  now: number;
}

/** Same id for the same retiring credential on every channel and node: the `webhook-id` and email Message-ID receivers dedupe on. */
export function retirementWarningId(credentialId: string): string {
  return 'alr_' + createHash('sha256').update(`retirement:${credentialId}`).digest('base64url').slice(0, 26);
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoMinute = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ') + ' UTC';
const sourceLabel = (s: LastUseSource | null) => (s === 'idp' ? 'Entra sign-in report' : 'gateway');

/**
 * The warning that a retiring secret is still in use shortly before the sweeper removes it: which app and key, when
 * it was last used and where that was seen, when it stops working, whether the replacement has been used, and what
 * to do. Advisory: the removal at `retireAt` happens regardless.
 */
export function composeRetirementWarning(f: RetirementWarningFacts): Notification {
  const c = f.credential;
  const appLabel = `app "${f.app.name}"`;
  const envLabel = f.environment ? ` in ${f.environment.name}` : '';
  const hoursLeft = Math.max(0, Math.round((c.retireAt - f.now) / 3_600_000));
  const r = f.replacement;
  const replacementUsed = r !== null && r.lastUsedAt !== null;
  const replacementLine = r === null
    ? 'The app has no active secret left to switch to.'
    : replacementUsed
      ? `The new secret ${r.hint}… (key id ${r.keyId}) was last used ${isoMinute(r.lastUsedAt!)} (${sourceLabel(r.lastUsedSource)}): some clients switched, at least one did not.`
      : `The new secret ${r.hint}… (key id ${r.keyId}) has never been used: the client most likely never received it.`;
  const action = actionFor(f, replacementUsed);

  const text = [
    `The old secret ${c.hint}… (key id ${c.keyId}) of ${appLabel}${envLabel} is still being used: last used ${isoMinute(c.lastUsedAt)} ` +
      `(seen by the ${sourceLabel(c.lastUsedSource)}), after it was replaced on ${isoMinute(f.rotatedAt)}.`,
    `It will be removed at ${isoMinute(c.retireAt)} (in about ${hoursLeft} hour${hoursLeft === 1 ? '' : 's'}); from then on, calls made with it are refused.`,
    '',
    replacementLine,
    '',
    `What to do: ${action.text}`,
    '',
    `Credential ${c.id}${r ? `, replaced by ${r.id}` : ''}. You get one message per replaced secret.`,
  ].join('\n');

  return {
    id: retirementWarningId(c.id),
    type: RETIREMENT_WARNING_TYPE,
    occurredAt: f.now,
    subject: `[Gatehouse] Old secret of ${appLabel} still in use: removed at ${isoMinute(c.retireAt)}`,
    text,
    data: {
      event: RETIREMENT_WARNING_TYPE,
      app: { id: f.app.id, name: f.app.name, clientId: f.app.clientId },
      environment: f.environment,
      credential: {
        id: c.id, keyId: c.keyId, hint: c.hint,
        expiresAt: c.expiresAt === null ? null : iso(c.expiresAt), retireAt: iso(c.retireAt),
        lastUsedAt: iso(c.lastUsedAt), lastUsedSource: c.lastUsedSource ?? 'gateway',
      },
      rotatedAt: iso(f.rotatedAt),
      replacement: r === null ? null : {
        id: r.id, keyId: r.keyId, hint: r.hint, createdAt: iso(r.createdAt),
        used: replacementUsed, lastUsedAt: r.lastUsedAt === null ? null : iso(r.lastUsedAt), lastUsedSource: r.lastUsedAt === null ? null : r.lastUsedSource ?? 'gateway',
      },
      hoursLeft,
      action,
    },
    // No secret in it: the owner and the admins may both read it.
    recipients: f.app.contacts,
    audit: { type: 'credential.alerted', entityType: 'credential', entityId: c.id },
  };
}

function actionFor(f: RetirementWarningFacts, replacementUsed: boolean) {
  const rotateCli = `gatehouse credential rotate --app ${f.app.id}`;
  const rotateApi = `POST /v1/apps/${f.app.id}/credentials/rotate`;
  const extendCli = `gatehouse credential extend-grace ${f.credential.id} --app ${f.app.id} --by 3d`;
  const extendApi = `POST /v1/apps/${f.app.id}/credentials/${f.credential.id}/extend-grace`;
  const deploy = f.replacement === null
    ? `rotate now with \`${rotateCli}\` (or ${rotateApi}) and deploy the secret it returns before ${isoMinute(f.credential.retireAt)}.`
    : `deploy the new secret ${f.replacement.hint}… to every instance of the client${f.app.clientId ? ` (client id ${f.app.clientId})` : ''} ` +
      `before ${isoMinute(f.credential.retireAt)}.${replacementUsed ? '' : ' It was sent when the secret was rotated (shown once, or as a one-time link).'} ` +
      `If the new secret is lost, rotate again with \`${rotateCli}\` (or ${rotateApi}) and deploy the secret it returns.`;
  const extend = f.canExtendGrace
    ? ` If you need more time, an admin or operator can keep the old secret working longer with \`${extendCli}\` (or ${extendApi}).`
    : '';
  return {
    text: deploy + extend,
    cli: rotateCli,
    api: rotateApi,
    ...(f.canExtendGrace ? { extendCli, extendApi } : {}),
  };
}
