import type { IncomingMessage } from 'node:http';
import { fail, type TokenFailure } from './reasons.ts';

// RFC 6750 §2.1 b64token; one or more spaces after the scheme are tolerated, the scheme is case-insensitive.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const QUERY_TOKEN = /[?&]access_token=/;

/**
 * The bearer token, from the one place it is accepted: a single Authorization header (RFC 6750 §2.1).
 * Two Authorization headers are refused (Node would silently keep the first, and a proxy in front might keep
 * the other); a token in the query string (§2.3) is refused because URLs end up in logs.
 */
export function readBearer(req: IncomingMessage, rest: string, maxTokenBytes: number): { ok: true; token: string } | TokenFailure {
  let value: string | null = null;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length !== 13 || raw[i]!.toLowerCase() !== 'authorization') continue;
    if (value !== null) return fail('TOKEN_MULTIPLE_HEADERS');
    value = raw[i + 1]!;
  }
  if (rest.includes('?') && QUERY_TOKEN.test(rest.slice(rest.indexOf('?')))) return fail('TOKEN_IN_QUERY');
  if (value === null || !/^bearer(\s|$)/i.test(value)) return fail('TOKEN_MISSING');
  if (value.length > maxTokenBytes + 16) return fail('TOKEN_TOO_LARGE');
  const match = BEARER.exec(value);
  return match ? { ok: true, token: match[1]! } : fail('TOKEN_MALFORMED');
}
