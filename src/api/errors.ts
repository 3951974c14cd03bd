import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { GatehouseError, isGatehouseError } from '../core/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { AppEnv } from './env.ts';
import { codeForStatus, problemResponse } from './problem.ts';

/** Every failure leaves as problem+json; anything unexpected becomes a bare 500 with no internals. */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (isGatehouseError(error)) return problemResponse(c, error);
    if (error instanceof HTTPException) return problemResponse(c, fromHttpException(error));
    (c.get('logger') ?? logger).error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
    return problemResponse(c, new GatehouseError('INTERNAL', 'The server failed to handle this request; the request id identifies it in the logs.'));
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(c, new GatehouseError('NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`));

function fromHttpException(error: HTTPException): GatehouseError {
  if (error.status === 400 && /json/i.test(error.message)) return new GatehouseError('MALFORMED_JSON', 'The request body is not valid JSON.');
  if (error.status === 415) return new GatehouseError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json.');
  if (error.status === 413) return new GatehouseError('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB.');
  const code = codeForStatus(error.status);
  return new GatehouseError(code, code === 'INTERNAL' ? 'The server failed to handle this request.' : error.message || 'Request refused.');
}
