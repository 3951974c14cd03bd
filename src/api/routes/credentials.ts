import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, isoTimeOrNull, jsonBodyOf, jsonContent, listOf, pagingQuery, problems } from '../schemas.ts';
import { pageToWire, toWire } from '../wire.ts';

export const credentialCreate = z
  .object({ expiresInDays: z.number().int().min(1).max(730).optional().openapi({ description: "default: the environment's credentialLifetimeDays" }) })
  .strict()
  .openapi('CredentialCreate');

export const credentialSchema = z
  .object({
    id: z.string(), ownerType: z.enum(['app', 'provider']), ownerId: z.string(), kind: z.enum(['secret', 'certificate']),
    keyId: z.string(), hint: z.string(), origin: z.enum(['gatehouse', 'external']), state: z.enum(['active', 'retiring', 'removed']),
    createdAt: isoTime, expiresAt: isoTimeOrNull, retireAt: isoTimeOrNull, removedAt: isoTimeOrNull, lastUsedAt: isoTimeOrNull,
    lastUsedSource: z.enum(['gateway', 'idp']).nullable().optional().openapi({
      description: "Where lastUsedAt comes from: the gateway, or the IdP's sign-in report (Entra's credential sign-in activity). Absent while lastUsedAt is null.",
    }),
  })
  .openapi('Credential');

const issuedSchema = z
  .object({
    credential: credentialSchema,
    clientId: z.string(),
    secret: z.string().openapi({ description: 'Shown once, never again: store it now.' }),
  })
  .openapi('IssuedCredential');

const appParams = z.object({ appId: idOf('app') });
const tags = ['credentials'];

export function credentialRoutes(app: OpenAPIHono<AppEnv>, services: Services): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apps/{appId}/credentials', tags, summary: "List an app's credentials (metadata only)",
    request: { params: appParams, query: z.object(pagingQuery) },
    responses: { 200: { description: 'A page of credentials', content: jsonContent(listOf(credentialSchema, 'CredentialList')) }, ...problems(400, 401, 403, 404) },
  }), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(pageToWire(await services.credentials.list(c.var.caller, c.req.valid('param').appId, { limit, cursor })), 200);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'post', path: '/v1/apps/{appId}/credentials', tags, summary: 'Issue a client secret (local-provider apps)',
    request: { params: appParams, body: jsonBodyOf(credentialCreate, false) },
    responses: { 201: { description: 'Issued; the secret is in this response only', content: jsonContent(issuedSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415) },
  }), async (c) => {
    const issued = await services.credentials.issue(c.var.caller, c.req.valid('param').appId, c.req.valid('json'));
    return c.json({ credential: toWire(issued.credential), clientId: issued.clientId, secret: issued.secret }, 201);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'delete', path: '/v1/apps/{appId}/credentials/{credentialId}', tags, summary: 'Revoke a credential',
    request: { params: z.object({ appId: idOf('app'), credentialId: idOf('credential') }) },
    responses: { 200: { description: 'The removed credential', content: jsonContent(credentialSchema) }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => {
    const { appId, credentialId } = c.req.valid('param');
    return c.json(toWire(await services.credentials.revoke(c.var.caller, appId, credentialId)), 200);
  });
}
