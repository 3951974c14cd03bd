import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { header, json } from '../http.ts';
import { DirectoryError } from '../directory/errors.ts';

/** Graph's error body: `{error:{code,message,details?,innerError:{date,request-id,client-request-id}}}`. */
export function graphError(
  status: number,
  code: string,
  message: string,
  nowMs: number,
  req: EmulatorRequest,
  headers: Record<string, string> = {},
  details: DirectoryError['details'] = [],
): EmulatorResponse {
  const requestId = randomUUID();
  const clientRequestId = header(req, 'client-request-id') ?? requestId;
  return json(status, {
    error: {
      code,
      message,
      ...(details.length > 0 ? { details } : {}),
      innerError: { date: new Date(nowMs).toISOString().replace(/\.\d+Z$/, ''), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  }, { 'request-id': requestId, 'client-request-id': clientRequestId, ...headers });
}

export function fromDirectoryError(err: DirectoryError, nowMs: number, req: EmulatorRequest): EmulatorResponse {
  return graphError(err.status, err.code, err.message, nowMs, req, {}, err.details);
}

export const unauthenticated = (message: string) => new DirectoryError(401, 'InvalidAuthenticationToken', message);
