import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../platform/logger.ts';
import type { AppEnv } from './env.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `x-request-id` when it is a plain token, else a UUID), echoes it,
 * and logs one line per request: method, path (no query string, no headers, no body: nothing secret), status,
 * duration, actor.
 */
export function requestContext(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('logger', log);
    const started = performance.now();
    await next();
    c.res.headers.set('x-request-id', requestId);
    if (c.req.path.startsWith('/v1/')) c.res.headers.set('cache-control', 'no-store');
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), actor: c.get('caller')?.actor },
      'request',
    );
  };
}
