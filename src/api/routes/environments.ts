import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { description, idOf, isoTime, jsonBodyOf, jsonContent, listOf, name, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const days = z.number().int().min(1).max(730);

const settingsInput = z
  .object({
    credentialLifetimeDays: days.optional().openapi({ description: 'Lifetime of credentials Gatehouse creates (default 180).' }),
    alertThresholdsDays: z.array(days).max(10).optional().openapi({ description: 'Days before expiry at which alerts fire (default [60,30,14,7,1]).' }),
    autoRotateDaysBeforeExpiry: days.nullable().optional().openapi({ description: 'Rotate Gatehouse-issued app secrets this many days before expiry (new secret as a one-time link); null = off (default). Must be below credentialLifetimeDays.' }),
  })
  .strict();

const environmentFields = {
  name,
  description: description.optional(),
  settings: settingsInput.optional(),
  defaultProviderId: idOf('provider').nullable().optional(),
  providerIds: z.array(idOf('provider')).max(20).optional(),
};

export const environmentCreate = z.object(environmentFields).strict().openapi('EnvironmentCreate');
export const environmentPatch = z.object(environmentFields).partial().strict().openapi('EnvironmentPatch');

export const environmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    defaultProviderId: z.string().nullable(),
    providerIds: z.array(z.string()),
    settings: z.object({
      credentialLifetimeDays: z.number().int(), alertThresholdsDays: z.array(z.number().int()),
      autoRotateDaysBeforeExpiry: z.number().int().nullable().optional(),
    }),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .openapi('Environment');

const idParams = z.object({ id: idOf('environment') });
const tags = ['environments'];

export function environmentRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/environments', tags, summary: 'List environments',
    request: { query: z.object({ ...pagingQuery, name: z.string().max(100).optional() }) },
    responses: { 200: { description: 'A page of environments', content: jsonContent(listOf(environmentSchema, 'EnvironmentList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.environments.list(c.var.caller, filter, { limit, cursor })), 200);
  });

  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/environments', tags, summary: 'Create an environment',
    request: { body: jsonBodyOf(environmentCreate) },
    responses: { 201: { description: 'Created', content: jsonContent(environmentSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.environments.create(c.var.caller, c.req.valid('json'))), 201));

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/environments/{id}', tags, summary: 'Get an environment',
    request: { params: idParams },
    responses: { 200: { description: 'The environment', content: jsonContent(environmentSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.environments.get(c.var.caller, c.req.valid('param').id)), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'patch', path: '/v1/environments/{id}', tags, summary: 'Change an environment',
    request: { params: idParams, body: jsonBodyOf(environmentPatch) },
    responses: { 200: { description: 'The changed environment', content: jsonContent(environmentSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.environments.update(c.var.caller, c.req.valid('param').id, c.req.valid('json'))), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'delete', path: '/v1/environments/{id}', tags, summary: 'Delete an empty environment',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => {
    await services.environments.delete(c.var.caller, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
