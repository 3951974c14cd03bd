import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Notification } from './channel.ts';
import { emailChannel } from './email.ts';
import { generateWebhookSecret } from './standard-webhooks.ts';
import { webhookChannel } from './webhook.ts';
import { parseAlertChannelConfig, parsePublicApiUrl } from './config.ts';
import { nextRetryDelayMs, MAX_ATTEMPTS } from './backoff.ts';
import { mailSubject, mailText, startMailReceiver, startWebhookReceiver, type MailReceiver, type WebhookReceiver } from './testing/receivers.ts';

const NOW = Date.UTC(2026, 5, 1, 12);
const notification: Notification = {
  id: 'alr_test1',
  type: 'credential.expiring',
  occurredAt: NOW,
  subject: 'Secret of app "orders" expires in 7 days',
  text: 'The secret abc… of app orders expires on 2026-06-08.',
  data: { credentialId: 'crd_x', thresholdDays: 7 },
  recipients: ['owner@example.com', 'Admin@example.com'],
  audit: null,
};

describe('webhook channel against a real receiver', () => {
  const secret = generateWebhookSecret();
  let receiver: WebhookReceiver;
  before(async () => { receiver = await startWebhookReceiver(secret, () => Math.floor(NOW / 1000)); });
  after(() => receiver.close());

  test('delivers a signed Standard Webhooks message', async () => {
    const outcome = await webhookChannel({ url: receiver.url, secret }).deliver(notification, NOW);
    assert.deepEqual(outcome, { ok: true, statusCode: 204, error: null, retryable: false });
    const got = receiver.received.at(-1)!;
    assert.equal(got.verified, true);
    assert.equal(got.headers['webhook-id'], 'alr_test1');
    assert.equal(got.headers['webhook-timestamp'], String(NOW / 1000));
    assert.deepEqual(got.json, { type: 'credential.expiring', timestamp: new Date(NOW).toISOString(), data: notification.data });
  });

  test('a receiver error is a retryable failure carrying the status', async () => {
    receiver.failNext(503);
    const outcome = await webhookChannel({ url: receiver.url, secret }).deliver(notification, NOW);
    assert.deepEqual(outcome, { ok: false, statusCode: 503, error: 'receiver answered HTTP 503', retryable: true });
  });

  test('a wrong secret is refused by the receiver (401)', async () => {
    const outcome = await webhookChannel({ url: receiver.url, secret: generateWebhookSecret() }).deliver(notification, NOW);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.statusCode, 401);
  });

  test('an unreachable receiver is a retryable failure without the URL in the error', async () => {
    const url = 'http://127.0.0.1:1/hook?token=hidden';
    const outcome = await webhookChannel({ url, secret, timeoutMs: 2000 }).deliver(notification, NOW);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.retryable, true);
    assert.ok(!outcome.error!.includes('hidden'));
  });
});

describe('email channel against a real SMTP server', () => {
  let mail: MailReceiver;
  before(async () => { mail = await startMailReceiver(); });
  after(() => mail.close());

  test('sends one message to owners and admins, deduplicated', async () => {
    const channel = emailChannel({ smtpUrl: mail.url, from: 'gatehouse@example.com', adminEmails: ['admin@example.com', 'ops@example.com'] });
    const outcome = await channel.deliver(notification, NOW);
    assert.equal(outcome.ok, true);
    const got = mail.received.at(-1)!;
    assert.deepEqual(got.to.sort(), ['Admin@example.com', 'ops@example.com', 'owner@example.com'].sort());
    assert.equal(got.from, 'gatehouse@example.com');
    assert.equal(mailSubject(got.raw), 'Secret of app "orders" expires in 7 days');
    assert.equal(mailText(got.raw).trim(), notification.text);
    assert.match(got.raw, /Date: Mon, 01 Jun 2026 12:00:00/);
    assert.match(got.raw, /Message-ID: <alr_test1@gatehouse>/i);
    assert.match(got.raw, /X-Gatehouse-Event: credential.expiring/);
  });

  test('a transient SMTP refusal is retryable, a permanent one is not', async () => {
    const channel = emailChannel({ smtpUrl: mail.url, from: 'gatehouse@example.com', adminEmails: [] });
    mail.rejectNext(451);
    const transient = await channel.deliver(notification, NOW);
    assert.equal(transient.ok, false);
    assert.equal(transient.statusCode, 451);
    assert.equal(transient.retryable, true);
    mail.rejectNext(550);
    const permanent = await channel.deliver(notification, NOW);
    assert.equal(permanent.statusCode, 550);
    assert.equal(permanent.retryable, false);
  });

  test('a recipientsOnly message (a one-time link) goes to its recipients alone, not to the admins', async () => {
    const channel = emailChannel({ smtpUrl: mail.url, from: 'gatehouse@example.com', adminEmails: ['admin@example.com'] });
    const outcome = await channel.deliver({ ...notification, id: 'alr_private', recipients: ['owner@example.com'], recipientsOnly: true }, NOW);
    assert.equal(outcome.ok, true);
    assert.deepEqual(mail.received.at(-1)!.to, ['owner@example.com']);
  });

  test('no recipients: nothing to send, not a failure', async () => {
    const before = mail.received.length;
    const channel = emailChannel({ smtpUrl: mail.url, from: 'g@example.com', adminEmails: [] });
    const outcome = await channel.deliver({ ...notification, recipients: [] }, NOW);
    assert.equal(outcome.ok, true);
    assert.equal(mail.received.length, before);
  });
});

describe('channel configuration from the environment', () => {
  const secret = generateWebhookSecret();
  test('nothing configured: no webhook, no email', () => {
    assert.deepEqual(parseAlertChannelConfig({}), { webhook: null, email: null });
  });
  test('full configuration', () => {
    const config = parseAlertChannelConfig({
      GATEHOUSE_ALERT_WEBHOOK_URL: 'https://hooks.example.com/x',
      GATEHOUSE_ALERT_WEBHOOK_SECRET: secret,
      GATEHOUSE_SMTP_URL: 'smtp://user:pw@mail.example.com:587',
      GATEHOUSE_ALERT_FROM: 'alerts@example.com',
      GATEHOUSE_ADMIN_EMAILS: 'a@example.com, b@example.com',
    });
    assert.deepEqual(config.webhook, { url: 'https://hooks.example.com/x', secret });
    assert.deepEqual(config.email, { smtpUrl: 'smtp://user:pw@mail.example.com:587', from: 'alerts@example.com', adminEmails: ['a@example.com', 'b@example.com'] });
  });
  test('refuses unsigned webhooks, bad URLs, bad secrets and bad addresses, without echoing secrets', () => {
    const bad: Record<string, string>[] = [
      { GATEHOUSE_ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' },
      { GATEHOUSE_ALERT_WEBHOOK_SECRET: secret },
      { GATEHOUSE_ALERT_WEBHOOK_URL: 'ftp://x', GATEHOUSE_ALERT_WEBHOOK_SECRET: secret },
      { GATEHOUSE_ALERT_WEBHOOK_URL: 'https://x', GATEHOUSE_ALERT_WEBHOOK_SECRET: 'topsecretvalue' },
      { GATEHOUSE_SMTP_URL: 'mail.example.com:25' },
      { GATEHOUSE_ADMIN_EMAILS: 'not-an-address' },
    ];
    for (const env of bad) {
      assert.throws(() => parseAlertChannelConfig(env), (e: any) => e.code === 'VALIDATION_FAILED' && !e.message.includes('topsecretvalue') && !e.message.includes(secret));
    }
  });
});

test('public API URL: optional, http(s), trailing slash dropped, path prefix kept, no query or credentials', () => {
  assert.equal(parsePublicApiUrl({}), null);
  assert.equal(parsePublicApiUrl({ GATEHOUSE_PUBLIC_API_URL: ' ' }), null);
  assert.equal(parsePublicApiUrl({ GATEHOUSE_PUBLIC_API_URL: 'https://gatehouse.example.com/' }), 'https://gatehouse.example.com');
  assert.equal(parsePublicApiUrl({ GATEHOUSE_PUBLIC_API_URL: 'https://example.com/gatehouse/' }), 'https://example.com/gatehouse');
  for (const bad of ['gatehouse.example.com', 'ftp://x', 'https://x/?a=1', 'https://x/#f', 'https://u:p@x']) {
    assert.throws(() => parsePublicApiUrl({ GATEHOUSE_PUBLIC_API_URL: bad }), (e: any) => e.code === 'VALIDATION_FAILED' && e.extras?.field === 'GATEHOUSE_PUBLIC_API_URL', bad);
  }
});

test('retry schedule backs off and ends', () => {
  const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => nextRetryDelayMs(i + 1));
  assert.equal(delays.at(-1), null);
  const numbers = delays.slice(0, -1) as number[];
  for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i]! > numbers[i - 1]!);
  assert.equal(nextRetryDelayMs(0), null);
});
