export type { Notification, NotificationChannel, DeliveryOutcome } from './channel.ts';
export { webhookChannel, type WebhookChannelOptions } from './webhook.ts';
export { emailChannel, type EmailChannelOptions } from './email.ts';
export { auditChannel, SYSTEM_ACTOR } from './audit.ts';
export { signWebhook, verifyWebhook, generateWebhookSecret, webhookSecretKey, type WebhookHeaders } from './standard-webhooks.ts';
export { nextRetryDelayMs, MAX_ATTEMPTS, RETRY_DELAYS_MS } from './backoff.ts';
export { parseAlertChannelConfig, parsePublicApiUrl, createAlertChannels, loadAlertChannels, type AlertChannelConfig } from './config.ts';
