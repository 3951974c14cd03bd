import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import { basePathFormatProblem, upstreamUrlProblem } from '../../control/paths.ts';
import { knownPolicyTypes } from '../../control/policy-schemas.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, jsonBodyOf, jsonContent, listOf, name, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const basePath = z
  .string()
  .superRefine((value, ctx) => {
    const problem = basePathFormatProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ example: '/orders/v1', description: 'Gateway path prefix: starts with "/", no trailing slash; may not equal, contain or sit inside another API\'s.' });

const upstreamUrl = z
  .string()
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = upstreamUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({ format: 'uri', example: 'https://orders.internal:8443/api' });

const policy = z
  .object({ type: z.string().min(1).max(64), config: z.record(z.string(), z.unknown()).optional() })
  .strict()
  .openapi('Policy', {
    description: `One step of the policy chain. Known types: ${knownPolicyTypes().join(', ')}. ` +
      'client-id: {credentialsFrom?: "basic"|"headers"|"either"}; rate-limit: {requests, windowSeconds}.',
  });

const apiFields = {
  environmentId: idOf('environment'),
  name,
  version: z.string().min(1).max(50).regex(/^[A-Za-z0-9._-]+$/, 'use only A-Z a-z 0-9 . _ -'),
  basePath,
  upstreamUrl,
  providerId: idOf('provider').nullable().optional().openapi({ description: "null = the environment's default provider" }),
  policies: z.array(policy).max(20).optional().openapi({ description: 'Ordered chain; default [{"type":"client-id","config":{}}].' }),
};

export const apiCreate = z.object(apiFields).strict().openapi('ApiCreate');
export const apiPatch = z.object(apiFields).partial().strict().openapi('ApiPatch');

export const apiSchema = z
  .object({
    id: z.string(), environmentId: z.string(), name: z.string(), version: z.string(), basePath: z.string(), upstreamUrl: z.string(),
    providerId: z.string().nullable(), policies: z.array(z.object({ type: z.string(), config: z.record(z.string(), z.unknown()) })),
    createdAt: isoTime, updatedAt: isoTime,
  })
  .openapi('Api');

const idParams = z.object({ id: idOf('api') });
const tags = ['apis'];

export function apiRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apis', tags, summary: 'List APIs',
    request: { query: z.object({ ...pagingQuery, environmentId: idOf('environment').optional(), providerId: idOf('provider').optional(), name: z.string().max(200).optional() }) },
    responses: { 200: { description: 'A page of APIs', content: jsonContent(listOf(apiSchema, 'ApiList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.apis.list(c.var.caller, filter, { limit, cursor })), 200);
  });

  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/apis', tags, summary: 'Put an API behind the gateway',
    request: { body: jsonBodyOf(apiCreate) },
    responses: { 201: { description: 'Created', content: jsonContent(apiSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.apis.create(c.var.caller, c.req.valid('json'))), 201));

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apis/{id}', tags, summary: 'Get an API',
    request: { params: idParams },
    responses: { 200: { description: 'The API', content: jsonContent(apiSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.apis.get(c.var.caller, c.req.valid('param').id)), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'patch', path: '/v1/apis/{id}', tags, summary: 'Change an API',
    request: { params: idParams, body: jsonBodyOf(apiPatch) },
    responses: { 200: { description: 'The changed API', content: jsonContent(apiSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.apis.update(c.var.caller, c.req.valid('param').id, c.req.valid('json'))), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'delete', path: '/v1/apis/{id}', tags, summary: 'Delete an API without live contracts (its tiers go with it)',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => {
    await services.apis.delete(c.var.caller, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
