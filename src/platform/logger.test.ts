import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { REDACTED_PATHS } from './logger.ts';

test('secrets passed to the logger never reach its output', () => {
  let out = '';
  const sink = new Writable({ write(chunk, _enc, cb) { out += chunk.toString(); cb(); } });
  const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
  const secret = 'abc8Q~supersecretvalue1234567890abcdefgh';
  log.info({ secret, client: { clientSecret: secret }, req: { headers: { authorization: `Bearer ${secret}` } } }, 'hello');
  assert.ok(out.includes('hello'));
  assert.ok(!out.includes(secret), 'secret leaked into the log');
  assert.ok(out.includes('[redacted]'));
});
