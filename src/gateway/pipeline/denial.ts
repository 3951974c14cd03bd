/**
 * Why the gateway answered instead of the upstream. The `reason` codes are stable: they appear in logs, in
 * error bodies and in dashboards, so never reword one once shipped; add new ones instead.
 */
export interface Denial {
  status: number;
  reason: string;
  /** One sentence for the caller; never contains a secret or internal detail. */
  description: string;
  /** Value of `WWW-Authenticate` (401 answers). */
  challenge?: string;
  /** Extra response headers (e.g. Retry-After, RateLimit-*), precomputed when possible. */
  headers?: Record<string, string>;
  /** Extra words for the decision log only (never sent to the caller, never a secret), e.g. "secret expired". */
  logDetail?: string;
}

export const REASONS = {
  MISSING_CREDENTIALS: 401,
  INVALID_CREDENTIALS: 401,
  NO_CONTRACT: 403,
  NO_AUTHENTICATION_POLICY: 403,
  RATE_LIMITED: 429,
  RATE_LIMIT_UNAVAILABLE: 503,
  API_MISCONFIGURED: 503,
  SNAPSHOT_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_UNREACHABLE: 502,
  UPSTREAM_ERROR: 502,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  BAD_REQUEST: 400,
  BAD_PATH: 400,
  NO_ROUTE: 404,
  INTERNAL_ERROR: 500,
} as const;

export type Reason = keyof typeof REASONS;

/** The JSON `error` field for each status: a short, stable, lowercase word. */
export function errorWord(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 413: return 'payload_too_large';
    case 429: return 'too_many_requests';
    case 431: return 'request_header_fields_too_large';
    case 502: return 'bad_gateway';
    case 503: return 'service_unavailable';
    case 504: return 'gateway_timeout';
    default: return status >= 500 ? 'internal_error' : 'error';
  }
}

export function deny(reason: Reason, description: string, extra?: Pick<Denial, 'challenge' | 'headers' | 'logDetail'>): Denial {
  return { status: REASONS[reason], reason, description, ...extra };
}
