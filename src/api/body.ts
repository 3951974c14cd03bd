import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { GatehouseError } from '../core/errors.ts';
import { findDuplicateKey } from './duplicate-keys.ts';
import type { AppEnv } from './env.ts';
import { problemResponse } from './problem.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** 413 before anything reads more than 1 MiB (checks Content-Length, else counts the stream). */
export const limitBody: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => problemResponse(c, new GatehouseError('PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB).`)),
});

/**
 * Gate for routes that take a JSON body, run before zod validation:
 * a body with another media type → 415; unparsable JSON → 400 MALFORMED_JSON; a repeated key → 400 VALIDATION_FAILED.
 * An absent body is let through (the route's schema decides whether fields are required). The body text is cached
 * by Hono, so the validator's own parse reuses it.
 */
export const jsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const contentType = c.req.header('content-type');
  const isJson = contentType !== undefined && JSON_MEDIA_TYPE.test(contentType.split(';')[0]!.trim());
  if (contentType !== undefined && contentType.trim() !== '' && !isJson) throw unsupported(contentType);
  const text = c.req.raw.body ? await c.req.text() : '';
  if (!isJson) {
    if (text.length > 0) throw unsupported('(none)');
    return next();
  }
  try {
    JSON.parse(text);
  } catch {
    // The parser's message quotes the input, which may hold a secret: say only what is wrong in general.
    throw new GatehouseError('MALFORMED_JSON', text.trim() === '' ? 'The request body is empty; send a JSON object.' : 'The request body is not valid JSON.');
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== null) {
    const message = 'key appears more than once';
    throw new GatehouseError('VALIDATION_FAILED', `${duplicate}: ${message}`, { errors: [{ path: duplicate, message }] });
  }
  await next();
};

function unsupported(contentType: string): GatehouseError {
  return new GatehouseError('UNSUPPORTED_MEDIA_TYPE', `Request bodies must be application/json, not ${contentType.slice(0, 100)}.`);
}
