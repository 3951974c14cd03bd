import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { description, idOf, isoTime, isoTimeOrNull, jsonBodyOf, jsonContent, listOf, name, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const ownerContacts = z.array(z.email().max(320)).max(20);

export const appCreate = z
  .object({
    environmentId: idOf('environment'),
    name,
    description: description.optional(),
    ownerContacts: ownerContacts.optional(),
    providerId: idOf('provider').nullable().optional().openapi({ description: "null = the environment's default provider" }),
    ownerSubject: z.string().min(1).max(200).nullable().optional().openapi({ description: "Admin/operator only; a consumer's apps are owned by its token subject." }),
  })
  .strict()
  .openapi('AppCreate');

export const appPatch = z
  .object({ name: name.optional(), description: description.optional(), ownerContacts: ownerContacts.optional() })
  .strict()
  .openapi('AppPatch');

export const appSchema = z
  .object({
    id: z.string(), environmentId: z.string(), name: z.string(), description: z.string(), ownerContacts: z.array(z.string()),
    ownerSubject: z.string().nullable(), providerId: z.string().nullable(), clientId: z.string().nullable(),
    registration: z.object({ clientId: z.string(), objectId: z.string().nullable(), uniqueName: z.string().nullable() }).nullable(),
    createdAt: isoTime, updatedAt: isoTime,
  })
  .openapi('App');

const activitySchema = z
  .object({ appId: z.string(), lastSeenAt: isoTimeOrNull, sourceAddresses: z.array(z.string()) })
  .openapi('AppActivity');

const idParams = z.object({ id: idOf('app') });
const tags = ['apps'];

export function appRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apps', tags, summary: 'List client apps (consumers: their own)',
    request: { query: z.object({ ...pagingQuery, environmentId: idOf('environment').optional(), clientId: z.string().max(200).optional(), ownerSubject: z.string().max(200).optional(), name: z.string().max(200).optional() }) },
    responses: { 200: { description: 'A page of apps', content: jsonContent(listOf(appSchema, 'AppList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.apps.list(c.var.caller, filter, { limit, cursor })), 200);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'post', path: '/v1/apps', tags, summary: 'Create a client app',
    description: 'A local-provider app gets its client id at once; add a credential to get a secret.',
    request: { body: jsonBodyOf(appCreate) },
    responses: { 201: { description: 'Created', content: jsonContent(appSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.apps.create(c.var.caller, c.req.valid('json'))), 201));

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apps/{id}', tags, summary: 'Get a client app',
    request: { params: idParams },
    responses: { 200: { description: 'The app', content: jsonContent(appSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.apps.get(c.var.caller, c.req.valid('param').id)), 200));

  addRoute(app, 'owner-write', createRoute({
    method: 'patch', path: '/v1/apps/{id}', tags, summary: 'Change a client app',
    request: { params: idParams, body: jsonBodyOf(appPatch) },
    responses: { 200: { description: 'The changed app', content: jsonContent(appSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.apps.update(c.var.caller, c.req.valid('param').id, c.req.valid('json'))), 200));

  addRoute(app, 'owner-write', createRoute({
    method: 'delete', path: '/v1/apps/{id}', tags, summary: 'Delete a client app (revokes its contracts, removes its credentials)',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404) },
  }), async (c) => {
    await services.apps.delete(c.var.caller, c.req.valid('param').id);
    return c.body(null, 204);
  });

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apps/{id}/activity', tags, summary: 'When and from where the gateway last saw the app',
    request: { params: idParams },
    responses: { 200: { description: 'Activity (lastSeenAt null: never seen)', content: jsonContent(activitySchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.usage.activity(c.var.caller, c.req.valid('param').id)), 200));
}
