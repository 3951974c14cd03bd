import { GatehouseError } from '../core/errors.ts';
import type { Store } from '../core/ports/store.ts';
import { auditChannel } from './audit.ts';
import type { NotificationChannel } from './channel.ts';
import { emailChannel } from './email.ts';
import { webhookSecretKey } from './standard-webhooks.ts';
import { webhookChannel } from './webhook.ts';

/**
 * Where alerts go, from environment variables (or the same names as `serve` options):
 * - GATEHOUSE_ALERT_WEBHOOK_URL + GATEHOUSE_ALERT_WEBHOOK_SECRET (`whsec_…`; required with the URL: unsigned
 *   webhooks are refused)
 * - GATEHOUSE_SMTP_URL (`smtp://user:pass@host:587`, `smtps://…`), GATEHOUSE_ALERT_FROM (default
 *   `Gatehouse <gatehouse@localhost>`), GATEHOUSE_ADMIN_EMAILS (comma-separated; always written to)
 * The audit log is always a channel.
 * GATEHOUSE_PUBLIC_API_URL (parsePublicApiUrl) is the management API's base URL as people reach it: one-time links
 * in rotation notices point there.
 */
export interface AlertChannelConfig {
  webhook: { url: string; secret: string } | null;
  email: { smtpUrl: string; from: string; adminEmails: string[] } | null;
}

type Env = Record<string, string | undefined>;

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+$/;

export function parseAlertChannelConfig(env: Env): AlertChannelConfig {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const webhookUrl = get('GATEHOUSE_ALERT_WEBHOOK_URL');
  const webhookSecret = get('GATEHOUSE_ALERT_WEBHOOK_SECRET');
  let webhook: AlertChannelConfig['webhook'] = null;
  if (webhookUrl) {
    if (!isHttpUrl(webhookUrl)) throw invalid('GATEHOUSE_ALERT_WEBHOOK_URL', 'must be an http(s) URL');
    if (!webhookSecret) throw invalid('GATEHOUSE_ALERT_WEBHOOK_SECRET', 'is required with GATEHOUSE_ALERT_WEBHOOK_URL (webhooks are always signed)');
    try {
      webhookSecretKey(webhookSecret);
    } catch {
      throw invalid('GATEHOUSE_ALERT_WEBHOOK_SECRET', 'must be "whsec_" followed by 24 to 64 bytes in base64');
    }
    webhook = { url: webhookUrl, secret: webhookSecret };
  } else if (webhookSecret) {
    throw invalid('GATEHOUSE_ALERT_WEBHOOK_URL', 'is required with GATEHOUSE_ALERT_WEBHOOK_SECRET');
  }

  const smtpUrl = get('GATEHOUSE_SMTP_URL');
  const adminEmails = (get('GATEHOUSE_ADMIN_EMAILS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of adminEmails) if (!EMAIL.test(a)) throw invalid('GATEHOUSE_ADMIN_EMAILS', `"${a}" is not an email address`);
  let email: AlertChannelConfig['email'] = null;
  if (smtpUrl) {
    // The URL may hold a password, so errors never repeat it.
    if (!/^smtps?:\/\/[^/]+/.test(smtpUrl)) throw invalid('GATEHOUSE_SMTP_URL', 'must be smtp://host:port or smtps://host:port');
    email = { smtpUrl, from: get('GATEHOUSE_ALERT_FROM') ?? 'Gatehouse <gatehouse@localhost>', adminEmails };
  }
  return { webhook, email };
}

/**
 * GATEHOUSE_PUBLIC_API_URL, without a trailing slash, or null when unset (the caller falls back to the management
 * API's own URL). A path prefix is kept (a reverse proxy serving Gatehouse under /gatehouse); query and fragment are
 * refused, since links are built by appending `/v1/deliveries/…` to it.
 */
export function parsePublicApiUrl(env: Env): string | null {
  const value = env.GATEHOUSE_PUBLIC_API_URL?.trim();
  if (!value) return null;
  if (!isHttpUrl(value)) throw invalid('GATEHOUSE_PUBLIC_API_URL', 'must be an http(s) URL');
  const url = new URL(value);
  if (url.search || url.hash || url.username || url.password) {
    throw invalid('GATEHOUSE_PUBLIC_API_URL', 'must be a base URL without credentials, query or fragment');
  }
  return url.toString().replace(/\/+$/, '');
}

export function createAlertChannels(config: AlertChannelConfig, deps: { store: Store; fetch?: typeof fetch }): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (config.webhook) channels.push(webhookChannel({ ...config.webhook, ...(deps.fetch ? { fetch: deps.fetch } : {}) }));
  if (config.email) channels.push(emailChannel(config.email));
  channels.push(auditChannel(deps.store));
  return channels;
}

/** parse + create in one call: what `serve` uses. */
export function loadAlertChannels(env: Env, deps: { store: Store }): NotificationChannel[] {
  return createAlertChannels(parseAlertChannelConfig(env), deps);
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function invalid(variable: string, why: string): GatehouseError {
  return new GatehouseError('VALIDATION_FAILED', `${variable} ${why}.`, { field: variable });
}
