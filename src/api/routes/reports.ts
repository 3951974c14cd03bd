import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import type { LifecycleSource } from '../lifecycle.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, isoTimeOrNull, jsonContent, problems } from '../schemas.ts';
import { toWire } from '../wire.ts';
import { credentialSchema } from './credentials.ts';

const staleReportSchema = z
  .object({
    generatedAt: isoTime,
    unusedDays: z.number().int(),
    apps: z.array(z.object({
      app: z.object({ id: z.string(), name: z.string(), environmentId: z.string(), ownerContacts: z.array(z.string()), createdAt: isoTime }),
      lastSeenAt: isoTimeOrNull.openapi({ description: 'null = never seen at the gateway' }),
      credentials: z.array(credentialSchema).openapi({ description: 'Its live credentials: what deleting the app would remove.' }),
    })).openapi({ description: 'Apps not seen at the gateway for unusedDays (or never, and older than that).' }),
    credentials: z.array(z.object({ credential: credentialSchema, appId: z.string(), lastUsedAt: isoTimeOrNull })).openapi({
      description: 'Unused credentials of otherwise active apps (only where per-credential use is tracked).',
    }),
  })
  .openapi('StaleClientReport');

export function reportRoutes(app: OpenAPIHono<AppEnv>, lifecycle: LifecycleSource): void {
  addRoute(app, 'staff-read', createRoute({
    method: 'get', path: '/v1/reports/stale-clients', tags: ['reports'], summary: 'Client apps and credentials nobody has used lately',
    request: {
      query: z.object({
        unusedFor: z.string().max(50).optional().openapi({ description: 'ISO 8601 duration in whole days (default P90D), e.g. P90D or P2W.', example: 'P90D' }),
        environmentId: idOf('environment').optional(),
      }),
    },
    responses: { 200: { description: 'The report', content: jsonContent(staleReportSchema) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { unusedFor, environmentId } = c.req.valid('query');
    const report = await (await lifecycle()).staleReport(c.var.caller, { ...(unusedFor !== undefined ? { unusedFor } : {}), ...(environmentId ? { environmentId } : {}) });
    return c.json(toWire(report), 200);
  });
}
