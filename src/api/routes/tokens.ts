import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, isoTimeOrNull, jsonBodyOf, jsonContent, listOf, name, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const role = z.enum(['admin', 'operator', 'viewer', 'consumer']);

export const tokenCreate = z
  .object({
    name,
    role,
    subject: z.string().min(1).max(200).optional().openapi({ description: "Who the token acts as (consumers own apps under it); default: the token's name." }),
    expiresInDays: z.number().int().min(1).max(3650).optional().openapi({ description: 'default 90' }),
  })
  .strict()
  .openapi('TokenCreate');

export const tokenSchema = z
  .object({
    id: z.string(), name: z.string(), role, subject: z.string(),
    createdAt: isoTime, expiresAt: isoTimeOrNull, revokedAt: isoTimeOrNull, lastUsedAt: isoTimeOrNull,
  })
  .openapi('Token');

const issuedSchema = z
  .object({ token: tokenSchema, secret: z.string().openapi({ description: 'The bearer token (gh_…); shown once, never again.' }) })
  .openapi('IssuedToken');

const tags = ['tokens'];

export function tokenRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'admin', createRoute({
    method: 'get', path: '/v1/tokens', tags, summary: 'List API tokens (metadata only)',
    request: { query: z.object({ ...pagingQuery, subject: z.string().max(200).optional() }) },
    responses: { 200: { description: 'A page of tokens', content: jsonContent(listOf(tokenSchema, 'TokenList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.tokens.list(c.var.caller, filter, { limit, cursor })), 200);
  });

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/me', tags, summary: "The caller's own API token: role, subject, expiry (never the secret)",
    responses: { 200: { description: "The caller's token", content: jsonContent(tokenSchema) }, ...problems(401) },
  }), async (c) => c.json(toWire(await services.tokens.self(c.var.caller)), 200));

  addRoute(app, 'admin', createRoute({
    method: 'post', path: '/v1/tokens', tags, summary: 'Create an API token',
    request: { body: jsonBodyOf(tokenCreate) },
    responses: { 201: { description: 'Created; the token is in this response only', content: jsonContent(issuedSchema) }, ...problems(400, 401, 403, 413, 415) },
  }), async (c) => {
    const issued = await services.tokens.create(c.var.caller, c.req.valid('json'));
    return c.json({ token: toWire(issued.token), secret: issued.secret }, 201);
  });

  addRoute(app, 'admin', createRoute({
    method: 'delete', path: '/v1/tokens/{id}', tags, summary: 'Revoke an API token',
    request: { params: z.object({ id: idOf('apiToken') }) },
    responses: { 200: { description: 'The revoked token', content: jsonContent(tokenSchema) }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => c.json(toWire(await services.tokens.revoke(c.var.caller, c.req.valid('param').id)), 200));
}
