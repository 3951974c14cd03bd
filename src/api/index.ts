import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Store } from '../core/ports/store.ts';
import { createServices, type Services } from '../control/index.ts';
import type { LifecycleService } from '../control/lifecycle/index.ts';
import { silentLogger, type Logger } from '../platform/logger.ts';
import type { Vault } from '../platform/vault.ts';
import { authenticate } from './auth.ts';
import { consoleRoutes } from './console.ts';
import type { AppEnv } from './env.ts';
import { errorHandler, notFoundHandler } from './errors.ts';
import { requestContext } from './request-context.ts';
import { apiRoutes } from './routes/apis.ts';
import { appRoutes } from './routes/apps.ts';
import { auditRoutes } from './routes/audit.ts';
import { defaultIdentityFor, type IdentityFor } from './identity.ts';
import { lifecycleSource } from './lifecycle.ts';
import { appImportRoutes } from './routes/app-import.ts';
import { contractRoutes } from './routes/contracts.ts';
import { credentialLifecycleRoutes } from './routes/credential-lifecycle.ts';
import { credentialRoutes } from './routes/credentials.ts';
import { DELIVERY_PATH, deliveryRoutes } from './routes/deliveries.ts';
import { environmentRoutes } from './routes/environments.ts';
import { healthRoutes, type Readiness } from './routes/health.ts';
import { providerOperationRoutes } from './routes/provider-operations.ts';
import { providerRoutes } from './routes/providers.ts';
import { registrationRoutes } from './routes/registrations.ts';
import { reportRoutes } from './routes/reports.ts';
import { tierRoutes } from './routes/tiers.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { usageRoutes } from './routes/usage.ts';
import { validationHook } from './validation.ts';

export interface ManagementApiDeps {
  store: Store;
  services?: Services;
  clock?: Clock;
  logger?: Logger;
  /** What /readyz reports; default: the store answers a ping. */
  readiness?: Readiness;
  /**
   * Credential inventory, rotation, delivery links and the stale-client report. Pass the service `startLifecycle`
   * returns (it carries the IdP secret backends; its scheduler sweeps retiring credentials). Without it, one is
   * built from the store on first use: local-provider rotation only, no scheduler.
   */
  lifecycle?: LifecycleService;
  /**
   * The master key vault: encrypts provider credentials on POST/PATCH /v1/providers and decrypts them to drive the
   * IdP (check, reconcile, import). Without it, entra providers cannot be stored or used (409). When `services` is
   * passed too, build them with the same vault: `createServices({ store, clock, vault })`.
   */
  vault?: Vault;
  /** The adapter for a provider; default: the identity factory with `vault`. Tests inject emulator-bound adapters. */
  identityFor?: IdentityFor;
  /** The management API's base URL as clients reach it (e.g. https://gatehouse.example.com), for delivery links; default: the request's origin. */
  publicUrl?: string;
  /** The built web console served at `/` (docs/console.md); default console/dist; false = no console. */
  consoleDir?: string | false;
}

export const OPENAPI_PATH = '/v1/openapi.json';

/** The management REST API (contract: docs/rest-contract, `/v1/…`), as a Hono app: mount it, or serve it alone. */
export function createManagementApi(deps: ManagementApiDeps): OpenAPIHono<AppEnv> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const services = deps.services ?? createServices({ store: deps.store, clock, ...(deps.vault ? { vault: deps.vault } : {}) });
  const identityFor = deps.identityFor ?? defaultIdentityFor({ clock, ...(deps.vault ? { vault: deps.vault } : {}) });
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestContext(logger));
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler);

  healthRoutes(app, deps.readiness ?? storeReadiness(deps.store));

  const auth = authenticate(deps.store, clock);
  const isPublic = (method: string, path: string) => path === OPENAPI_PATH || (method === 'GET' && DELIVERY_PATH.test(path));
  app.use('/v1/*', async (c, next) => (isPublic(c.req.method, c.req.path) ? next() : auth(c, next)));
  const lifecycle = lifecycleSource({ lifecycle: deps.lifecycle, store: deps.store, clock, logger });

  environmentRoutes(app, services);
  providerRoutes(app, services);
  providerOperationRoutes(app, { services, store: deps.store, clock, identityFor, logger, ...(deps.vault ? { vault: deps.vault } : {}) });
  apiRoutes(app, services);
  tierRoutes(app, services);
  appImportRoutes(app, { services, store: deps.store, clock, identityFor });
  appRoutes(app, services);
  credentialRoutes(app, services);
  contractRoutes(app, services);
  tokenRoutes(app, services);
  auditRoutes(app, services);
  usageRoutes(app, services);
  credentialLifecycleRoutes(app, lifecycle, deps.publicUrl ? { publicUrl: deps.publicUrl } : {});
  reportRoutes(app, lifecycle);
  deliveryRoutes(app, lifecycle);
  registrationRoutes(app, services, { ...deps, clock });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A Gatehouse API token (gh_…). `gatehouse serve` prints a one-time bootstrap admin token.',
  });
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse management API',
      version: '1',
      description: 'Errors are RFC 9457 application/problem+json with a stable `code`. Times are ISO 8601 (UTC). Lists page with `limit` and `cursor`.',
    },
  });
  consoleRoutes(app, deps.consoleDir);
  return app;
}

function storeReadiness(store: Store): Readiness {
  return async () => {
    try {
      await store.ping();
      return { ok: true, checks: { store: 'ok' } };
    } catch {
      return { ok: false, checks: { store: 'unavailable' } };
    }
  };
}

/** Serves the app over HTTP until `close()`; port 0 picks a free port (the returned url has the real one). */
export async function startManagementServer(opts: { app: OpenAPIHono<AppEnv> | OpenAPIHono; port: number; host?: string }): Promise<{ url: string; close(): Promise<void> }> {
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: opts.app.fetch, port: opts.port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export type { AppEnv } from './env.ts';
export type { Readiness } from './routes/health.ts';
