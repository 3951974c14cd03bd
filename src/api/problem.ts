import type { Context } from 'hono';
import { GatehouseError, type ErrorCode } from '../core/errors.ts';

/**
 * RFC 9457 problem details. `type` is a stable URI per code; `code` repeats it for clients that switch on strings;
 * `errors` lists field problems of validation failures. GatehouseError extras become extension members
 * (they never hold secrets, by the error model's rule).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const problemType = (code: ErrorCode): string => `https://gatehouse.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;

/** "NOT_FOUND" → "Not found". */
export const problemTitle = (code: ErrorCode): string => {
  const words = code.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']);

export function toProblem(error: GatehouseError, instance?: string, requestId?: string): Problem {
  const problem: Problem = {
    type: problemType(error.code),
    title: problemTitle(error.code),
    status: error.status,
    detail: error.message,
    code: error.code,
  };
  if (instance) problem.instance = instance;
  if (requestId) problem.requestId = requestId;
  for (const [key, value] of Object.entries(error.extras)) if (!RESERVED.has(key)) problem[key] = value;
  return problem;
}

export function problemResponse(c: Context, error: GatehouseError): Response {
  const problem = toProblem(error, c.req.path, c.get('requestId') as string | undefined);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (error.status === 401) headers['www-authenticate'] = `Bearer realm="gatehouse", error="invalid_token"`;
  return new Response(JSON.stringify(problem), { status: error.status, headers });
}

/** Maps a bare HTTP status (from framework exceptions) onto the closest stable code. */
export function codeForStatus(status: number): ErrorCode {
  const byStatus: Partial<Record<number, ErrorCode>> = {
    400: 'VALIDATION_FAILED', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE',
  };
  return byStatus[status] ?? 'INTERNAL';
}

