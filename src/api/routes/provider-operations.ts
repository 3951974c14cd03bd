import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Services } from '../../control/index.ts';
import { reconcileProvider } from '../../control/reconcile/index.ts';
import { rotateProviderCredential } from '../../control/lifecycle/index.ts';
import { GatehouseError } from '../../core/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Vault } from '../../platform/vault.ts';
import type { Clock } from '../../core/clock.ts';
import type { Store } from '../../core/ports/store.ts';
import type { AppEnv } from '../env.ts';
import type { IdentityFor } from '../identity.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, isoTimeOrNull, jsonContent, problems } from '../schemas.ts';
import { toWire } from '../wire.ts';

const checkReportSchema = z
  .object({
    healthy: z.boolean().openapi({ description: 'false when any finding is an error' }),
    findings: z.array(z.object({
      check: z.string().openapi({ example: 'permission.owned-by' }),
      severity: z.enum(['ok', 'info', 'warning', 'error']),
      message: z.string(),
      hint: z.string().optional().openapi({ description: 'What to do, in an administrator\'s words.' }),
      idpCode: z.string().optional(),
    }).passthrough()),
    permissions: z.array(z.string()).openapi({ description: "What the platform credential's token carries (Entra: Graph app roles)." }),
    credentialExpiresAt: isoTimeOrNull.openapi({ description: "When the platform's own credential expires, when known." }),
    checkedAt: isoTime,
  })
  .openapi('ProviderCheckReport');

const count = z.record(z.string(), z.number().int());
const reconcileReportSchema = z
  .object({
    providerId: z.string(),
    fix: z.boolean(),
    startedAt: isoTime,
    finishedAt: isoTime,
    skipped: z.string().nullable().openapi({ description: 'Why nothing was compared (e.g. a local provider).' }),
    scanned: z.object({ idpClients: z.number().int(), idpCredentials: z.number().int(), storeApps: z.number().int(), storeCredentials: z.number().int() }),
    counts: count.openapi({ description: 'Drift found per kind (complete even when item lists are truncated).' }),
    repaired: count.openapi({ description: 'Drift repaired per kind by this run (fix=true).' }),
    drift: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).openapi({
      description: 'Items per drift kind: credentialsAdded, credentialsRemoved, credentialsChanged, credentialsLingering, appsChanged, appsMissing, orphansAdoptable, orphans.',
    }),
    truncated: z.boolean(),
    errors: z.array(z.object({ kind: z.string(), target: z.string(), code: z.string(), message: z.string() })),
  })
  .openapi('ReconcileReport');

const idParams = z.object({ id: idOf('provider') });
const tags = ['providers'];

/** Operations that reach into a provider's IdP: the doctor and the reconciler. */
export function providerOperationRoutes(app: OpenAPIHono<AppEnv>, deps: { services: Services; store: Store; clock: Clock; identityFor: IdentityFor; vault?: Vault; logger?: Logger }): void {
  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/providers/{id}/check', tags, summary: 'Check a provider (doctor): credential, permissions, IdP reachability, issuers',
    description: 'IdP problems are findings in a 200 report, not errors: the report says what is wrong and what to do.',
    request: { params: idParams },
    responses: { 200: { description: 'The findings', content: jsonContent(checkReportSchema) }, ...problems(400, 401, 403, 404, 409) },
  }), async (c) => {
    const provider = await deps.services.providers.get(c.var.caller, c.req.valid('param').id);
    const identity = await deps.identityFor(provider);
    return c.json(toWire(await identity.check()), 200);
  });

  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/providers/{id}/reconcile', tags, summary: 'Compare the IdP with Gatehouse; with fix=true, repair what is safe',
    description: 'fix=false (default) only reports. fix=true imports credentials added in the IdP, marks ones removed there as removed, adopts orphans carrying our uniqueName and restores soft-deleted registrations; each repair is audited.',
    request: {
      params: idParams,
      query: z.object({ fix: z.enum(['true', 'false']).optional().openapi({ description: 'Repair what is safe (default false).' }) }),
    },
    responses: { 200: { description: 'The drift report', content: jsonContent(reconcileReportSchema) }, ...problems(400, 401, 403, 404, 409, 503) },
  }), async (c) => {
    const provider = await deps.services.providers.get(c.var.caller, c.req.valid('param').id);
    const identity = await deps.identityFor(provider);
    const report = await reconcileProvider(
      { store: deps.store, identity, clock: deps.clock, actor: c.var.caller.actor },
      { providerId: provider.id, fix: c.req.valid('query').fix === 'true' },
    );
    return c.json(toWire(report), 200);
  });

  addRoute(app, 'admin', createRoute({
    method: 'post', path: '/v1/providers/{id}/rotate-credential', tags, summary: "Roll the platform's own credential in the IdP",
    description: 'A certificate is rolled with addKey/removeKey and proof of possession; a secret only when the platform app\'s service principal owns its own application (the doctor says how to set that up). The new credential is verified with a real token before the old one is removed. The secret is never returned.',
    request: { params: idParams },
    responses: {
      200: {
        description: 'What was rolled',
        content: jsonContent(z.object({
          providerId: z.string(), kind: z.enum(['secret', 'certificate']), oldKeyId: z.string().nullable(), newKeyId: z.string(),
          expiresAt: isoTime, credentialId: z.string(), oldRemoved: z.boolean(), retireAt: isoTimeOrNull,
        }).openapi('ProviderRotationReport')),
      },
      ...problems(400, 401, 403, 404, 409, 422, 503),
    },
  }), async (c) => {
    const id = c.req.valid('param').id;
    await deps.services.providers.get(c.var.caller, id);
    if (!deps.vault) throw new GatehouseError('CONFLICT', 'Gatehouse was started without a master key, so it cannot unlock or replace provider credentials.');
    const report = await rotateProviderCredential({ store: deps.store, clock: deps.clock, vault: deps.vault, ...(deps.logger ? { logger: deps.logger } : {}) }, c.var.caller, id);
    return c.json(toWire(report), 200);
  });
}
