import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { upstreamRequestHeaders } from './request-headers.ts';
import { downstreamResponseHeaders } from './response-headers.ts';

function fakeReq(raw: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
  return { rawHeaders: raw, headers, socket: {} } as unknown as IncomingMessage;
}
const pairs = (flat: string[]) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!.toLowerCase(), flat[2 * i + 1]]);

test('request: hop-by-hop, Connection-listed, host, expect and credential headers are dropped; X-Forwarded-* set', () => {
  const req = fakeReq([
    'Host', 'gw.example:8000', 'Connection', 'keep-alive, X-Custom-Hop', 'X-Custom-Hop', '1', 'Keep-Alive', 'timeout=5',
    'TE', 'trailers', 'Trailer', 'x', 'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c', 'Proxy-Authorization', 'Basic x',
    'Proxy-Connection', 'keep-alive', 'Expect', '100-continue', 'client_id', 'cli', 'client_secret', 's3cret',
    'Authorization', 'Basic abc', 'X-Forwarded-For', '1.2.3.4', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'evil',
    'X-Request-Id', 'theirs', 'Accept', 'application/json', 'Set-Cookie-Like', 'kept',
  ]);
  const out = pairs(upstreamRequestHeaders(req, { requestId: 'rid', stripAuthorization: true, remoteAddress: '10.1.1.1' }));
  assert.deepEqual(out, [
    ['accept', 'application/json'], ['set-cookie-like', 'kept'],
    ['x-forwarded-for', '1.2.3.4, 10.1.1.1'], ['x-forwarded-proto', 'http'], ['x-forwarded-host', 'gw.example:8000'], ['x-request-id', 'rid'],
  ]);
});

test('request: Authorization is kept unless a policy consumed it', () => {
  const out = pairs(upstreamRequestHeaders(fakeReq(['Authorization', 'Bearer t']), { requestId: 'r', stripAuthorization: false, remoteAddress: '::1' }));
  assert.deepEqual(out[0], ['authorization', 'Bearer t']);
  assert.deepEqual(out[1], ['x-forwarded-for', '::1']);
});

test('response: hop-by-hop and Connection-listed headers are dropped, multi-valued ones kept', () => {
  const out = downstreamResponseHeaders({
    connection: 'x-secret-hop', 'x-secret-hop': 'a', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked',
    'proxy-authenticate': 'Basic', upgrade: 'websocket', trailer: 'x', 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'],
  });
  assert.deepEqual(out, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
});
