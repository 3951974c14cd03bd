import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ACCESS_ROLES, requireAccess, type Access } from './auth.ts';
import { jsonBody, limitBody } from './body.ts';
import type { AppEnv } from './env.ts';

export type RouteContext<R extends RouteConfig> = Parameters<RouteHandler<R, AppEnv>>[0];

/**
 * Registers one documented route: role check first (so a forbidden caller learns nothing from validation),
 * then, for routes with a body, the 1 MiB limit and the JSON gate, then zod validation, then the handler.
 * Handlers return plain Responses; the response schemas in `route` document them.
 */
export function addRoute<R extends RouteConfig>(
  app: OpenAPIHono<AppEnv>,
  access: Access | 'public',
  route: R,
  handler: (c: RouteContext<R>) => Promise<Response> | Response,
): void {
  const middleware: MiddlewareHandler<AppEnv>[] = [];
  if (access !== 'public') middleware.push(requireAccess(access));
  if (route.request?.body) middleware.push(limitBody, jsonBody);
  const roles = access === 'public' ? 'no token needed' : `roles: ${ACCESS_ROLES[access].join(', ')}`;
  app.openapi(
    {
      ...route,
      middleware,
      security: access === 'public' ? [] : [{ bearerAuth: [] }],
      description: [route.description, `Access: ${roles}.`].filter(Boolean).join('\n\n'),
    },
    handler as never,
  );
}
