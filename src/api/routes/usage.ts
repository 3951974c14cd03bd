import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoQueryTime, isoTime, jsonContent, listOf, pagingQuery, problems } from '../schemas.ts';
import { fromIso, pageToWire } from '../wire.ts';

export const usageRollupSchema = z
  .object({
    minute: isoTime, apiId: z.string(), appId: z.string().nullable(), statusClass: z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']),
    count: z.number().int(), latencySumMs: z.number(), latencyMaxMs: z.number(),
  })
  .openapi('UsageRollup');

export function usageRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'staff-read', createRoute({
    method: 'get', path: '/v1/usage', tags: ['usage'], summary: 'Per-minute usage rollups',
    request: { query: z.object({ ...pagingQuery, apiId: idOf('api').optional(), appId: idOf('app').optional(), from: isoQueryTime.optional(), to: isoQueryTime.optional() }) },
    responses: { 200: { description: 'A page of rollups', content: jsonContent(listOf(usageRollupSchema, 'UsageRollupList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, from, to, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.usage.rollups(c.var.caller, { ...filter, from: fromIso(from), to: fromIso(to) }, { limit, cursor })), 200);
  });
}
