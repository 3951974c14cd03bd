import type { ServerResponse } from 'node:http';
import type { Denial } from '../pipeline/denial.ts';
import { errorWord } from '../pipeline/denial.ts';

/**
 * Gateway-made answers: a small JSON body `{ error, reason, message, requestId }` and the denial's headers.
 * Every gateway answer carries X-Request-Id so callers can quote it.
 */
export function sendDenial(res: ServerResponse, denial: Denial, requestId: string, extraHeaders?: Record<string, string | string[]> | null, close = false): void {
  const body = '{"error":"' + errorWord(denial.status) + '","reason":"' + denial.reason + '","message":' +
    JSON.stringify(denial.description) + ',"requestId":' + JSON.stringify(requestId) + '}';
  const headers: Record<string, string | string[]> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-request-id': requestId,
  };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  if (denial.headers) Object.assign(headers, denial.headers);
  if (denial.challenge) headers['www-authenticate'] = denial.challenge;
  if (close) headers.connection = 'close';
  res.writeHead(denial.status, headers);
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' });
  res.end(body);
}
