import nodemailer from 'nodemailer';
import type { NotificationChannel, DeliveryOutcome } from './channel.ts';
import { delivered } from './channel.ts';

export interface EmailChannelOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (nodemailer URL form). May hold a password: never logged. */
  smtpUrl: string;
  from: string;
  /** Written to besides each notification's own recipients, unless the notification is `recipientsOnly`. */
  adminEmails: string[];
  /** Opportunistic STARTTLS is used when offered; set true to refuse a server without it. */
  requireTls?: boolean;
  timeoutMs?: number;
}

/**
 * Plain-text email over SMTP. One message per notification to the union of its recipients and the admins
 * (deduplicated, case-insensitively; admins are left out of `recipientsOnly` messages); its Message-ID derives
 * from the notification id, so a retried message threads with (and can be dropped as a duplicate of) the first.
 */
export function emailChannel(options: EmailChannelOptions): NotificationChannel {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(options.smtpUrl, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    requireTLS: options.requireTls ?? false,
  } as never);
  return {
    name: 'email',
    async deliver(n, now): Promise<DeliveryOutcome> {
      const to = dedupe([...n.recipients, ...(n.recipientsOnly ? [] : options.adminEmails)]);
      if (to.length === 0) return { ...delivered, error: 'no recipients' };
      try {
        await transport.sendMail({
          from: options.from,
          to,
          subject: n.subject,
          text: n.text,
          messageId: `<${n.id}@gatehouse>`,
          date: new Date(now),
          headers: { 'X-Gatehouse-Event': n.type },
        });
        return { ok: true, statusCode: 250, error: null, retryable: false };
      } catch (e) {
        const err = e as { responseCode?: number; code?: string };
        const code = typeof err.responseCode === 'number' ? err.responseCode : null;
        // 5xx replies are permanent (bad mailbox, policy); connection trouble and 4xx are worth another try.
        return { ok: false, statusCode: code, error: `email not sent: ${err.code ?? 'error'}${code ? ` (SMTP ${code})` : ''}`, retryable: code === null || code < 500 };
      }
    },
  };
}

function dedupe(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.trim().toLowerCase();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
