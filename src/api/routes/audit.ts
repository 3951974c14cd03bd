import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { isoQueryTime, isoTime, jsonContent, listOf, pagingQuery, problems } from '../schemas.ts';
import { fromIso, pageToWire } from '../wire.ts';

export const auditEventSchema = z
  .object({
    seq: z.number().int(), id: z.string(), type: z.string().openapi({ example: 'app.created' }), entityType: z.string(), entityId: z.string(),
    actor: z.string().openapi({ description: "tok_… of the API token, or 'system' / 'bootstrap'" }), at: isoTime,
    before: z.unknown(), after: z.unknown(), idpActivity: z.string().nullable(), prevHash: z.string(), hash: z.string(),
  })
  .openapi('AuditEvent');

const verificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    problem: z.object({ seq: z.number().int(), kind: z.enum(['changed', 'broken-link', 'missing', 'inserted']), detail: z.string() }).nullable(),
  })
  .openapi('AuditVerification');

const tags = ['audit'];

export function auditRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'staff-read', createRoute({
    method: 'get', path: '/v1/audit', tags, summary: 'Query the audit log',
    request: {
      query: z.object({
        ...pagingQuery,
        entityType: z.string().max(64).optional(), entityId: z.string().max(64).optional(), actor: z.string().max(200).optional(),
        type: z.string().max(64).optional(), from: isoQueryTime.optional(), to: isoQueryTime.optional(),
        order: z.enum(['asc', 'desc']).optional().openapi({ description: 'asc (default): chain order, oldest first; desc: latest first. Keep it while following nextCursor.' }),
      }),
    },
    responses: { 200: { description: 'A page of audit events in the requested order', content: jsonContent(listOf(auditEventSchema, 'AuditEventList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, from, to, order, ...filter } = c.req.valid('query');
    const query = { ...filter, from: fromIso(from), to: fromIso(to), ...(order === 'desc' ? { newestFirst: true } : {}) };
    return c.json(pageToWire(await services.audit.list(c.var.caller, query, { limit, cursor })), 200);
  });

  addRoute(app, 'staff-read', createRoute({
    method: 'get', path: '/v1/audit/verify', tags, summary: "Check the audit log's hash chain",
    responses: { 200: { description: 'The verification result', content: jsonContent(verificationSchema) }, ...problems(401, 403) },
  }), async (c) => c.json(await services.audit.verify(c.var.caller), 200));
}
