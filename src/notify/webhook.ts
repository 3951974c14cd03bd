import type { NotificationChannel, DeliveryOutcome } from './channel.ts';
import { signWebhook, webhookSecretKey } from './standard-webhooks.ts';

export interface WebhookChannelOptions {
  url: string;
  /** `whsec_…` (Standard Webhooks). */
  secret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * POSTs `{type, timestamp, data}` (the Standard Webhooks payload shape) signed per Standard Webhooks.
 * Any 2xx is success; everything else is retried by the caller's schedule. The same notification id is the
 * `webhook-id` on every retry, so receivers can drop duplicates.
 */
export function webhookChannel(options: WebhookChannelOptions): NotificationChannel {
  webhookSecretKey(options.secret); // fail at start-up, not at the first alert
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: 'webhook',
    async deliver(n, now): Promise<DeliveryOutcome> {
      const body = JSON.stringify({ type: n.type, timestamp: new Date(n.occurredAt).toISOString(), data: n.data });
      const headers = signWebhook(options.secret, n.id, Math.floor(now / 1000), body);
      try {
        const res = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Gatehouse-Webhooks/1', ...headers },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel().catch(() => {});
        if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, error: null, retryable: false };
        return { ok: false, statusCode: res.status, error: `receiver answered HTTP ${res.status}`, retryable: true };
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.name ?? 'network error');
        return { ok: false, statusCode: null, error: `webhook not delivered: ${why}`, retryable: true };
      }
    },
  };
}
