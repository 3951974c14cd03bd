import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { ContractDecision, Services } from '../../control/index.ts';
import type { Access } from '../auth.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { description, idOf, isoTime, jsonBodyOf, jsonContent, listOf, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const state = z.enum(['requested', 'approved', 'rejected', 'revoked']);

export const contractCreate = z
  .object({ appId: idOf('app'), apiId: idOf('api'), tierId: idOf('tier') })
  .strict()
  .openapi('ContractCreate');

export const contractDecision = z.object({ reason: description.max(1000).optional() }).strict().openapi('ContractDecision');

export const contractSchema = z
  .object({
    id: z.string(), appId: z.string(), apiId: z.string(), tierId: z.string(), state,
    requestedBy: z.string(), decidedBy: z.string().nullable(), reason: z.string().nullable(),
    createdAt: isoTime, updatedAt: isoTime,
  })
  .openapi('Contract');

const idParams = z.object({ id: idOf('contract') });
const tags = ['contracts'];

/** approve/reject are staff decisions; a consumer may revoke its own contract. */
const DECISIONS: { decision: ContractDecision; access: Access; summary: string }[] = [
  { decision: 'approve', access: 'staff-write', summary: 'Approve a requested contract' },
  { decision: 'reject', access: 'staff-write', summary: 'Reject a requested contract' },
  { decision: 'revoke', access: 'owner-write', summary: 'Revoke an approved contract' },
];

export function contractRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/contracts', tags, summary: 'List contracts (consumers: their apps\')',
    request: { query: z.object({ ...pagingQuery, appId: idOf('app').optional(), apiId: idOf('api').optional(), tierId: idOf('tier').optional(), state: state.optional() }) },
    responses: { 200: { description: 'A page of contracts', content: jsonContent(listOf(contractSchema, 'ContractList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.contracts.list(c.var.caller, filter, { limit, cursor })), 200);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'post', path: '/v1/contracts', tags, summary: 'Request access for an app to an API at a tier',
    description: 'The contract starts "requested", or "approved" at once when the tier approves automatically.',
    request: { body: jsonBodyOf(contractCreate) },
    responses: { 201: { description: 'Created', content: jsonContent(contractSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.contracts.request(c.var.caller, c.req.valid('json'))), 201));

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/contracts/{id}', tags, summary: 'Get a contract',
    request: { params: idParams },
    responses: { 200: { description: 'The contract', content: jsonContent(contractSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.contracts.get(c.var.caller, c.req.valid('param').id)), 200));

  for (const { decision, access, summary } of DECISIONS) {
    addRoute(app, access, createRoute({
      method: 'post', path: `/v1/contracts/{id}/${decision}`, tags, summary,
      request: { params: idParams, body: jsonBodyOf(contractDecision, false) },
      responses: { 200: { description: 'The contract after the decision', content: jsonContent(contractSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
    }), async (c) => c.json(toWire(await services.contracts.decide(c.var.caller, c.req.valid('param').id, decision, c.req.valid('json').reason)), 200));
  }
}
