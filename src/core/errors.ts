/**
 * The one error model. Every failure a user can see carries a stable `code` (never reworded once shipped),
 * an HTTP status, a human `detail`, and optional structured `extras` (e.g. the offending field).
 * The management API renders it as RFC 9457 problem+json (`type` = `https://gatehouse.dev/problems/{code}`);
 * the CLI prints `detail` and exits non-zero. `detail` and `extras` must never contain a secret.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_ID: 400,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  NAME_TAKEN: 409,
  BASE_PATH_CONFLICT: 409,
  INVALID_STATE_TRANSITION: 409,
  PROVIDER_MISMATCH: 409,
  PROVIDER_IN_USE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDP_REJECTED: 422,
  /** The IdP offers the feature only with a licence or plan the tenant lacks (Entra: sign-in reports need P1/P2). */
  IDP_FEATURE_UNAVAILABLE: 422,
  /** The platform app lacks an (optional) IdP permission the operation needs; `extras.permission` names it. */
  IDP_PERMISSION_MISSING: 422,
  IDP_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatehouseError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extras: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, extras: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'GatehouseError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.extras = extras;
  }
}

export const notFound = (kind: string, id: string) =>
  new GatehouseError('NOT_FOUND', `No ${kind} with id ${id}.`, { kind, id });

export const isGatehouseError = (e: unknown): e is GatehouseError => e instanceof GatehouseError;
