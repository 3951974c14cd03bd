import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import type { LifecycleSource } from '../lifecycle.ts';
import { addRoute } from '../route.ts';
import { idOf, jsonContent, problems } from '../schemas.ts';

/** Delivery links are the one /v1 route without a token: holding the link is the permission. */
export const DELIVERY_PATH = /^\/v1\/deliveries\/[^/]+$/;

const deliveredSchema = z
  .object({
    appId: z.string(),
    credentialId: z.string(),
    clientId: z.string().nullable(),
    secret: z.string().openapi({ description: 'The rotated secret. This link now answers 404 for everyone.' }),
  })
  .openapi('DeliveredSecret');

/**
 * The response must not linger anywhere: no cache may keep it, and no page it links from may learn the URL
 * (which holds the key). Set on every answer of this route, errors included. The key itself stays out of the
 * request log because that log records the path without its query string (request-context.ts).
 */
const sealedResponse: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.res.headers.set('cache-control', 'no-store');
  c.res.headers.set('referrer-policy', 'no-referrer');
  c.res.headers.set('x-content-type-options', 'nosniff');
};

export function deliveryRoutes(app: OpenAPIHono<AppEnv>, lifecycle: LifecycleSource): void {
  app.use('/v1/deliveries/*', sealedResponse);
  addRoute(app, 'public', createRoute({
    method: 'get', path: '/v1/deliveries/{id}', tags: ['credentials'], summary: 'Fetch a rotated secret through its one-time link',
    description: 'No token: the link is the permission. Works once; an unknown, used or expired link and a wrong key all answer the same 404.',
    request: {
      params: z.object({ id: idOf('delivery') }),
      query: z.object({ key: z.string().min(1).max(200).openapi({ description: 'The key from the delivery URL.' }) }),
    },
    responses: { 200: { description: 'The secret, this once', content: jsonContent(deliveredSchema) }, ...problems(400, 404) },
  }), async (c) => {
    const { id } = c.req.valid('param');
    const fetched = await (await lifecycle()).fetchDelivery(id, c.req.valid('query').key);
    return c.json({ appId: fetched.appId, credentialId: fetched.credentialId, clientId: fetched.clientId, secret: fetched.secret }, 200);
  });
}
