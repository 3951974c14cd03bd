import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatehouseError } from '../core/errors.ts';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, spec v1): the sender signs `{id}.{timestamp}.{body}` with
 * HMAC-SHA256 under a `whsec_<base64>` secret and sends `webhook-id`, `webhook-timestamp` (unix seconds) and
 * `webhook-signature: v1,<base64>` (space-separated when several secrets are in use during a secret rotation).
 */
const PREFIX = 'whsec_';
/** The spec's recommended tolerance, so a captured request cannot be replayed later. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** Decodes a `whsec_` secret to its key bytes; rejects anything else (a typo must not yield a weak key). */
export function webhookSecretKey(secret: string): Buffer {
  const body = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : '';
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(body) ? Buffer.from(body, 'base64') : Buffer.alloc(0);
  if (key.length < 24 || key.length > 64) {
    throw new GatehouseError('VALIDATION_FAILED', 'A webhook secret must be "whsec_" followed by 24 to 64 bytes in base64.', { field: 'webhookSecret' });
  }
  return key;
}

function signature(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
}

export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): WebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature(webhookSecretKey(secret), id, timestampSeconds, body)}`,
  };
}

export type WebhookVerification =
  | { ok: true }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'timestamp-out-of-tolerance' | 'no-matching-signature' };

/**
 * What a receiver does (our tests use it as one): checks the timestamp is within tolerance of `nowSeconds`
 * and that one of the `v1,` signatures matches, comparing in constant time.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): WebhookVerification {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = one('webhook-id');
  const timestamp = one('webhook-timestamp');
  const signatures = one('webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const ts = Number(timestamp);
  if (Math.abs(nowSeconds - ts) > toleranceSeconds) return { ok: false, reason: 'timestamp-out-of-tolerance' };
  const expected = Buffer.from(signature(webhookSecretKey(secret), id, ts, body), 'base64');
  for (const part of signatures.split(' ')) {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'no-matching-signature' };
}
