import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Store } from '../../core/ports/store.ts';
import type { NotificationChannel } from '../channel.ts';
import { createAlertChannels } from '../config.ts';
import { verifyWebhook } from '../standard-webhooks.ts';

/** Test fixtures: a real HTTP webhook receiver and a real SMTP server, both on 127.0.0.1, ephemeral ports. */

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, any> };
  verified: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status to answer with next (default 204); a queue, consumed one per request. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

/** Verifies every request with `secret` against `nowSeconds()` (the test's clock), as a real receiver would. */
export async function startWebhookReceiver(secret: string, nowSeconds: () => number): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queue: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = queue.shift() ?? 204;
      const verified = verifyWebhook(secret, req.headers, body, nowSeconds()).ok;
      if (status < 300) received.push({ headers: req.headers, body, json: JSON.parse(body), verified });
      res.statusCode = verified ? status : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/gatehouse`,
    received,
    failNext: (...statuses) => queue.push(...statuses),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface MailReceiver {
  url: string;
  received: ReceivedMail[];
  /** SMTP reply code to reject the next message with (e.g. 451 transient, 550 permanent). */
  rejectNext(code: number): void;
  close(): Promise<void>;
}

export async function startMailReceiver(): Promise<MailReceiver> {
  const received: ReceivedMail[] = [];
  const rejects: number[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = rejects.shift();
        if (code) {
          const err = Object.assign(new Error('rejected by test'), { responseCode: code });
          return callback(err);
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = (server.server.address() as AddressInfo);
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectNext: (code) => rejects.push(code),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded Subject header of a raw message (unfolds lines, decodes RFC 2047 Q/B encoded words). */
export function mailSubject(raw: string): string {
  const head = raw.split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
  const line = head.split('\r\n').find((l) => /^subject:/i.test(l)) ?? '';
  return line
    .replace(/^subject:\s*/i, '')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

/** The decoded text body of a single-part quoted-printable or plain message. */
export function mailText(raw: string): string {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  if (!/quoted-printable/i.test(head!)) return body;
  const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The three alert channels pointed at these receivers: the signed webhook, SMTP (from gatehouse@example.com, admin
 * admin@example.com) and the audit log of `store`.
 */
export function channelsTo(hooks: WebhookReceiver, hookSecret: string, mail: MailReceiver, store: Store): NotificationChannel[] {
  return createAlertChannels(
    { webhook: { url: hooks.url, secret: hookSecret }, email: { smtpUrl: mail.url, from: 'gatehouse@example.com', adminEmails: ['admin@example.com'] } },
    { store },
  );
}
