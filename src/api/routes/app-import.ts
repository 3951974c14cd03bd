import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import { importApp } from '../../control/reconcile/index.ts';
import type { Clock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import type { Store } from '../../core/ports/store.ts';
import type { AppEnv } from '../env.ts';
import type { IdentityFor } from '../identity.ts';
import { addRoute } from '../route.ts';
import { idOf, jsonBodyOf, jsonContent, name, problems } from '../schemas.ts';
import { toWire } from '../wire.ts';
import { appSchema } from './apps.ts';
import { credentialSchema } from './credentials.ts';

export const appImport = z
  .object({
    environmentId: idOf('environment'),
    clientId: z.string().min(1).max(200).openapi({ description: "The IdP application's client id (Entra: Application (client) ID); its object id is accepted too." }),
    providerId: idOf('provider').optional().openapi({ description: "Default: the environment's default provider." }),
    name: name.optional().openapi({ description: 'Default: the IdP display name.' }),
  })
  .strict()
  .openapi('AppImport');

const importedSchema = z
  .object({
    app: appSchema,
    credentials: z.array(credentialSchema).openapi({ description: "Its credentials as the IdP lists them (origin 'external'), metadata only." }),
    owned: z.boolean().openapi({ description: 'false: Gatehouse tracks the registration but cannot rotate it until the platform app is made an owner.' }),
  })
  .openapi('ImportedApp');

/** `POST /v1/apps/import`: adopt an application that already exists in the IdP. No IdP write happens. */
export function appImportRoutes(app: OpenAPIHono<AppEnv>, deps: { services: Services; store: Store; clock: Clock; identityFor: IdentityFor }): void {
  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/apps/import', tags: ['apps'], summary: 'Import an existing IdP application as a client app',
    request: { body: jsonBodyOf(appImport) },
    responses: { 201: { description: 'Imported', content: jsonContent(importedSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415, 503) },
  }), async (c) => {
    const input = c.req.valid('json');
    const env = await deps.services.environments.get(c.var.caller, input.environmentId);
    const providerId = input.providerId ?? env.defaultProviderId;
    if (!providerId) throw new GatehouseError('CONFLICT', `Environment ${env.name} has no default provider; give providerId.`, { field: 'providerId' });
    const provider = await deps.services.providers.get(c.var.caller, providerId);
    const identity = await deps.identityFor(provider);
    const result = await importApp({ store: deps.store, identity, clock: deps.clock, actor: c.var.caller.actor }, { ...input, providerId });
    return c.json(toWire(result), 201);
  });
}
