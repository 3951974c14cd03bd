import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { jsonContent } from '../schemas.ts';

export type Readiness = () => Promise<{ ok: boolean; checks: Record<string, unknown> }>;

const readinessSchema = z.object({ ok: z.boolean(), checks: z.record(z.string(), z.unknown()) }).openapi('Readiness');
const tags = ['health'];

/** Liveness answers as long as the process serves HTTP; readiness asks the dependencies (default: the store). */
export function healthRoutes(app: OpenAPIHono<AppEnv>, readiness: Readiness): void {
  addRoute(app, 'public', createRoute({
    method: 'get', path: '/healthz', tags, summary: 'Liveness',
    responses: { 200: { description: 'Alive', content: jsonContent(z.object({ ok: z.literal(true) })) } },
  }), (c) => c.json({ ok: true as const }, 200));

  addRoute(app, 'public', createRoute({
    method: 'get', path: '/readyz', tags, summary: 'Readiness',
    responses: {
      200: { description: 'Ready', content: jsonContent(readinessSchema) },
      503: { description: 'Not ready', content: jsonContent(readinessSchema) },
    },
  }), async (c) => {
    let result: { ok: boolean; checks: Record<string, unknown> };
    try {
      result = await readiness();
    } catch {
      result = { ok: false, checks: { readiness: 'failed' } };
    }
    return c.json(result, result.ok ? 200 : 503);
  });
}
