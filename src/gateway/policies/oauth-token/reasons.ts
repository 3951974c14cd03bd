/**
 * Every way the oauth-token policy can refuse a request: a stable reason code (logged, counted in metrics, returned
 * in the body) and how it is told to the client per RFC 6750 §3 (status + `error` of the WWW-Authenticate header).
 * Codes are never renamed once shipped.
 */
export const TOKEN_FAILURES = {
  TOKEN_MISSING: { status: 401, error: null, description: 'A bearer token is required.' },
  TOKEN_MULTIPLE_HEADERS: { status: 400, error: 'invalid_request', description: 'More than one Authorization header.' },
  TOKEN_IN_QUERY: { status: 400, error: 'invalid_request', description: 'Send the token in the Authorization header, not the query string.' },
  TOKEN_MALFORMED: { status: 401, error: 'invalid_token', description: 'The token is not a well-formed JWT.' },
  TOKEN_TOO_LARGE: { status: 401, error: 'invalid_token', description: 'The token is too large.' },
  TOKEN_ENCRYPTED: { status: 401, error: 'invalid_token', description: 'Encrypted tokens (JWE) are not accepted.' },
  TOKEN_ALG_NOT_ALLOWED: { status: 401, error: 'invalid_token', description: 'The token is signed with an algorithm its key does not allow.' },
  TOKEN_UNKNOWN_KEY: { status: 401, error: 'invalid_token', description: 'The token is signed with an unknown key.' },
  TOKEN_BAD_SIGNATURE: { status: 401, error: 'invalid_token', description: 'The token signature is invalid.' },
  TOKEN_BAD_ISSUER: { status: 401, error: 'invalid_token', description: 'The token was not issued by a trusted issuer.' },
  TOKEN_BAD_AUDIENCE: { status: 401, error: 'invalid_token', description: 'The token is not meant for this API.' },
  TOKEN_EXPIRED: { status: 401, error: 'invalid_token', description: 'The token has expired.' },
  TOKEN_NOT_YET_VALID: { status: 401, error: 'invalid_token', description: 'The token is not valid yet.' },
  TOKEN_NO_CLIENT_ID: { status: 401, error: 'invalid_token', description: 'The token does not name a client.' },
  TOKEN_INSUFFICIENT_ROLES: { status: 403, error: 'insufficient_scope', description: 'The token lacks a required role.' },
  TOKEN_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope', description: 'The token lacks a required scope.' },
  JWKS_UNAVAILABLE: { status: 503, error: null, description: "The identity provider's signing keys are unavailable; try again later." },
} as const satisfies Record<string, { status: number; error: string | null; description: string }>;

export type TokenFailureReason = keyof typeof TOKEN_FAILURES;

export interface TokenFailure {
  ok: false;
  reason: TokenFailureReason;
}

export const fail = (reason: TokenFailureReason): TokenFailure => ({ ok: false, reason });

/** RFC 6750 §3 challenge. Without credentials the client gets no error code (§3.1). */
export function wwwAuthenticate(reason: TokenFailureReason, realm = 'gatehouse'): string {
  const failure = TOKEN_FAILURES[reason];
  if (failure.error === null) return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="${failure.error}", error_description="${failure.description.replace(/"/g, "'")}"`;
}
