import type { IncomingHttpHeaders } from 'node:http';
import type { ClientIdConfig } from './schema.ts';

export interface PresentedCredentials {
  clientId: string;
  secret: string;
  /** True when they came from `Authorization: Basic`, which must then not be forwarded upstream. */
  fromAuthorization: boolean;
}

/** Reads client credentials from the request, or returns null when none (in the configured place) are present. */
export function readCredentials(headers: IncomingHttpHeaders, from: ClientIdConfig['credentialsFrom']): PresentedCredentials | null {
  if (from !== 'headers') {
    const basic = fromBasic(headers.authorization);
    if (basic !== null || from === 'basic') return basic;
  }
  const clientId = headers.client_id;
  const secret = headers.client_secret;
  if (typeof clientId !== 'string' || typeof secret !== 'string' || !clientId || !secret) return null;
  return { clientId, secret, fromAuthorization: false };
}

function fromBasic(authorization: string | undefined): PresentedCredentials | null {
  if (authorization === undefined || authorization.length < 7) return null;
  if (authorization.slice(0, 6).toLowerCase() !== 'basic ') return null;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return {
    clientId: formDecode(decoded.slice(0, colon)),
    secret: formDecode(decoded.slice(colon + 1)),
    fromAuthorization: true,
  };
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before base64. Invalid escapes are taken literally. */
function formDecode(value: string): string {
  if (value.indexOf('%') === -1 && value.indexOf('+') === -1) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
