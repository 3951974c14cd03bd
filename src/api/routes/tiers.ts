import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, jsonBodyOf, jsonContent, listOf, name, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const limit = z
  .object({
    requests: z.number().int().min(1).max(1_000_000_000),
    windowSeconds: z.number().int().min(1).max(31 * 86_400),
  })
  .strict()
  .openapi('TierLimit', { description: 'At most `requests` calls per `windowSeconds`, per contract.' });
const approval = z.enum(['auto', 'manual']);

export const tierCreate = z.object({ name, limit, approval: approval.optional().openapi({ description: 'default manual' }) }).strict().openapi('TierCreate');
export const tierPatch = z.object({ name: name.optional(), limit: limit.optional(), approval: approval.optional() }).strict().openapi('TierPatch');

export const tierSchema = z
  .object({
    id: z.string(), apiId: z.string(), name: z.string(),
    limit: z.object({ requests: z.number().int(), windowSeconds: z.number().int() }), approval,
    createdAt: isoTime, updatedAt: isoTime,
  })
  .openapi('Tier');

const idParams = z.object({ id: idOf('tier') });
const tags = ['tiers'];

export function tierRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apis/{apiId}/tiers', tags, summary: "List an API's tiers",
    request: { params: z.object({ apiId: idOf('api') }), query: z.object(pagingQuery) },
    responses: { 200: { description: 'A page of tiers', content: jsonContent(listOf(tierSchema, 'TierList')) }, ...problems(400, 401, 403, 404) },
  }), async (c) => {
    const { limit: size, cursor } = c.req.valid('query');
    return c.json(pageToWire(await services.tiers.list(c.var.caller, c.req.valid('param').apiId, { limit: size, cursor })), 200);
  });

  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/apis/{apiId}/tiers', tags, summary: 'Add a tier to an API',
    request: { params: z.object({ apiId: idOf('api') }), body: jsonBodyOf(tierCreate) },
    responses: { 201: { description: 'Created', content: jsonContent(tierSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.tiers.create(c.var.caller, c.req.valid('param').apiId, c.req.valid('json'))), 201));

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/tiers/{id}', tags, summary: 'Get a tier',
    request: { params: idParams },
    responses: { 200: { description: 'The tier', content: jsonContent(tierSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.tiers.get(c.var.caller, c.req.valid('param').id)), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'patch', path: '/v1/tiers/{id}', tags, summary: 'Change a tier',
    request: { params: idParams, body: jsonBodyOf(tierPatch) },
    responses: { 200: { description: 'The changed tier', content: jsonContent(tierSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.tiers.update(c.var.caller, c.req.valid('param').id, c.req.valid('json'))), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'delete', path: '/v1/tiers/{id}', tags, summary: 'Delete a tier without live contracts',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => {
    await services.tiers.delete(c.var.caller, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
