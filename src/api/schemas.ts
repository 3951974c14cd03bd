import { z } from '@hono/zod-openapi';
import { ID_PREFIXES, isId, type IdKind } from '../core/ids.ts';
import { BAD_ID_PARAMS } from './validation.ts';

/**
 * Building blocks shared by every resource's schemas. The same zod schemas validate requests and generate
 * /v1/openapi.json, so the document cannot drift from what the server accepts.
 */

const ID_LABELS: Partial<Record<IdKind, string>> = { api: 'an API', apiToken: 'an API token', app: 'an app', environment: 'an environment' };

export const idOf = (kind: IdKind) =>
  z
    .string()
    .refine((v) => isId(kind, v), { message: `must be ${ID_LABELS[kind] ?? `a ${kind}`} id (${ID_PREFIXES[kind]}_ + 26 characters)`, params: BAD_ID_PARAMS })
    .openapi({ pattern: `^${ID_PREFIXES[kind]}_[0-9a-hjkmnp-tv-z]{26}$`, example: `${ID_PREFIXES[kind]}_01kb2x4y5z6a7b8c9d0e1f2g3h` });

/**
 * Human names: 1..100 characters, no control characters, no leading or trailing whitespace. One plain regex
 * (no `u` flag, no lookarounds), so the OpenAPI document carries exactly the rule the server applies.
 */
export const name = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$/, 'must not contain control characters or start or end with whitespace');

/** Free text: up to 2000 characters; newlines and tabs allowed, other control characters not. */
export const description = z.string().max(2000).regex(/^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/, 'must not contain control characters');

export const isoTime = z.string().openapi({ format: 'date-time', example: '2026-11-27T06:51:15.000Z' });
export const isoTimeOrNull = isoTime.nullable();

/** Query value: an ISO 8601 time with offset. */
export const isoQueryTime = z.iso.datetime({ offset: true }).openapi({ format: 'date-time' });

export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: '1..500, default 50' }),
  cursor: z.string().max(2000).optional().openapi({ description: "the previous page's nextCursor" }),
};

export const listOf = <T extends z.ZodType>(item: T, refName: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(refName);

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://gatehouse.dev/problems/not-found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: 'NOT_FOUND' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** The error responses a route can give, documented once. */
export function problems(...statuses: (400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503)[]) {
  const text: Record<number, string> = {
    400: 'Invalid input (VALIDATION_FAILED, MALFORMED_JSON, BAD_ID)',
    401: 'Missing, unknown, expired or revoked API token',
    403: "The token's role may not do this",
    404: 'No such resource (or not yours)',
    409: 'Conflicts with the current state',
    413: 'Body larger than 1 MiB',
    415: 'Body is not application/json',
    422: 'The identity provider refused the change (IDP_REJECTED, with idpCode and hint)',
    503: 'Not ready',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: text[s]!, content: problemContent }]));
}

export const jsonContent = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** Request body descriptor: JSON, validated by `schema` (strict objects reject unknown fields). */
export const jsonBodyOf = <T extends z.ZodType>(schema: T, required = true) => ({ content: jsonContent(schema), required });
