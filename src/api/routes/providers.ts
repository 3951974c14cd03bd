import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, jsonBodyOf, jsonContent, listOf, name, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

const kind = z.enum(['local', 'entra', 'oidc-dcr']).openapi({ description: '"local" and "entra" are available in this build.' });
const config = z.record(z.string(), z.unknown()).openapi({
  description: 'Non-secret settings; shape depends on kind. local: {}. entra: {tenantId (GUID or verified domain), clientId (platform app GUID), '
    + 'cloud?: global|usgov|china, authorityHost?, graphHost? (host[:port], for sovereign clouds or the emulator), caCertPem?}. '
    + 'There is no issuer field: both token issuers are derived from the tenant.',
});
const credential = z
  .union([
    z.object({ clientSecret: z.string().min(8).max(1024) }).strict(),
    z.object({ certificatePem: z.string().min(1).max(65536), privateKeyPem: z.string().min(1).max(65536) }).strict(),
  ])
  .openapi('ProviderCredential', {
    description: "The platform app's own credential at the IdP (entra: required). Stored encrypted with the master key; never returned or audited.",
  });

export const providerCreate = z.object({ name, kind, config: config.optional(), credential: credential.optional() }).strict().openapi('ProviderCreate');
export const providerPatch = z
  .object({ name: name.optional(), config: config.optional(), credential: credential.optional().openapi({ description: 'Replaces the stored credential.' }) })
  .strict()
  .openapi('ProviderPatch');

export const providerSchema = z
  .object({ id: z.string(), name: z.string(), kind, config, createdAt: isoTime, updatedAt: isoTime })
  .openapi('Provider');

const idParams = z.object({ id: idOf('provider') });
const tags = ['providers'];

export function providerRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'staff-read', createRoute({
    method: 'get', path: '/v1/providers', tags, summary: 'List identity providers',
    request: { query: z.object({ ...pagingQuery, kind: kind.optional(), name: z.string().max(100).optional() }) },
    responses: { 200: { description: 'A page of providers', content: jsonContent(listOf(providerSchema, 'ProviderList')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    return c.json(pageToWire(await services.providers.list(c.var.caller, filter, { limit, cursor })), 200);
  });

  addRoute(app, 'admin', createRoute({
    method: 'post', path: '/v1/providers', tags, summary: 'Add an identity provider',
    request: { body: jsonBodyOf(providerCreate) },
    responses: { 201: { description: 'Created', content: jsonContent(providerSchema) }, ...problems(400, 401, 403, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.providers.create(c.var.caller, c.req.valid('json'))), 201));

  addRoute(app, 'staff-read', createRoute({
    method: 'get', path: '/v1/providers/{id}', tags, summary: 'Get an identity provider',
    request: { params: idParams },
    responses: { 200: { description: 'The provider', content: jsonContent(providerSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => c.json(toWire(await services.providers.get(c.var.caller, c.req.valid('param').id)), 200));

  addRoute(app, 'admin', createRoute({
    method: 'patch', path: '/v1/providers/{id}', tags, summary: 'Change an identity provider',
    request: { params: idParams, body: jsonBodyOf(providerPatch) },
    responses: { 200: { description: 'The changed provider', content: jsonContent(providerSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => c.json(toWire(await services.providers.update(c.var.caller, c.req.valid('param').id, c.req.valid('json'))), 200));

  addRoute(app, 'admin', createRoute({
    method: 'delete', path: '/v1/providers/{id}', tags, summary: 'Delete an unused identity provider',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => {
    await services.providers.delete(c.var.caller, c.req.valid('param').id);
    return c.body(null, 204);
  });
}
