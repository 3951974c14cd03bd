import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../env.ts';
import type { LifecycleSource } from '../lifecycle.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, isoTimeOrNull, jsonBodyOf, jsonContent, listOf, problems } from '../schemas.ts';
import { toWire } from '../wire.ts';
import { credentialSchema } from './credentials.ts';

const isoDuration = (example: string) =>
  z.string().max(50).openapi({ description: 'ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P30D, P2W, PT12H); no years or months.', example });

export const credentialRotate = z
  .object({
    graceDays: z.number().int().min(0).max(365).optional().openapi({ description: 'How long the replaced secrets keep working (default 7; 0 = retire at once).' }),
    delivery: z.enum(['inline', 'link']).optional().openapi({ description: '"inline" (default): the new secret is in the response. "link": a one-time delivery URL instead.' }),
  })
  .strict()
  .openapi('CredentialRotate');

export const credentialExtendGrace = z
  .object({
    days: z.number().int().min(1).max(30).openapi({ description: 'Whole days added to the current retireAt; the new retireAt may be at most 30 days from now and not after the secret expires.' }),
  })
  .strict()
  .openapi('CredentialExtendGrace');

const inventoryItemSchema = z
  .object({
    credential: credentialSchema,
    owner: z.object({ type: z.enum(['app', 'provider']), id: z.string(), name: z.string().nullable() }),
    environments: z.array(z.object({ id: z.string(), name: z.string() })).openapi({ description: "The app's environment; for a provider's credential, every environment using the provider." }),
    expiresInDays: z.number().int().nullable().openapi({ description: 'Whole days until expiry (negative once expired); null = never expires.' }),
    lastUsedAt: isoTimeOrNull,
    lastUsedSource: z.enum(['credential', 'idp', 'app']).nullable().openapi({
      description: "Where lastUsedAt comes from: 'credential' = the credential's own use seen at the gateway; 'idp' = the IdP's " +
        "sign-in report for this credential (Entra's credential sign-in activity, use outside the gateway included); 'app' = " +
        "its app's last activity at the gateway (through any of its credentials).",
    }),
  })
  .openapi('CredentialInventoryItem');

const rotatedSchema = z
  .object({
    credential: credentialSchema,
    clientId: z.string().nullable(),
    retiring: z.array(credentialSchema).openapi({ description: 'The replaced credentials, now retiring until their retireAt.' }),
    secret: z.string().optional().openapi({ description: 'delivery "inline" only. Shown once, never again: store it now.' }),
    deliveryUrl: z.string().optional().openapi({ description: 'delivery "link" only. Opens once, without a token; treat it as the secret itself.' }),
    deliveryExpiresAt: isoTime.optional(),
  })
  .openapi('RotatedCredential');

const tags = ['credentials'];

/**
 * The credential lifecycle on the wire: inventory across apps and providers, zero-downtime rotation, and ending a
 * rotation early. Ownership (consumers: own apps only, 404 otherwise) is the lifecycle service's job.
 */
export function credentialLifecycleRoutes(app: OpenAPIHono<AppEnv>, lifecycle: LifecycleSource, options: { publicUrl?: string }): void {
  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/credentials', tags, summary: 'Credential inventory: every credential with its expiry and last use (consumers: their own apps)',
    description: 'Soonest expiry first, never-expiring last. Not paged: the inventory is computed whole (nextCursor is always null).',
    request: {
      query: z.object({
        expiringWithin: isoDuration('P30D').optional().openapi({ description: 'Only credentials expiring within this duration from now (expired ones included).' }),
        environmentId: idOf('environment').optional(),
        ownerType: z.enum(['app', 'provider']).optional(),
        includeRemoved: z.enum(['true', 'false']).optional().openapi({ description: 'Removed credentials are left out unless true.' }),
      }),
    },
    responses: { 200: { description: 'Every matching credential', content: jsonContent(listOf(inventoryItemSchema, 'CredentialInventory')) }, ...problems(400, 401, 403) },
  }), async (c) => {
    const { expiringWithin, environmentId, ownerType, includeRemoved } = c.req.valid('query');
    const items = await (await lifecycle()).inventory(c.var.caller, {
      ...(expiringWithin !== undefined ? { expiringWithin } : {}),
      ...(environmentId ? { environmentId } : {}),
      ...(ownerType ? { ownerType } : {}),
      includeRemoved: includeRemoved === 'true',
    });
    return c.json({ items: items.map(toWire), nextCursor: null }, 200);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'post', path: '/v1/apps/{appId}/credentials/rotate', tags, summary: "Rotate an app's secret without downtime",
    description: 'Adds a new secret (in the IdP for IdP-backed apps) and marks the active ones retiring: they keep working for graceDays, then are removed. The new secret is returned once, inline or as a one-time link.',
    request: { params: z.object({ appId: idOf('app') }), body: jsonBodyOf(credentialRotate, false) },
    responses: { 201: { description: 'Rotated', content: jsonContent(rotatedSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415, 503) },
  }), async (c) => {
    const body = c.req.valid('json') ?? {};
    const result = await (await lifecycle()).rotate(c.var.caller, c.req.valid('param').appId, {
      ...(body.graceDays !== undefined ? { graceDays: body.graceDays } : {}),
      ...(body.delivery ? { delivery: body.delivery } : {}),
    });
    const reply: Record<string, unknown> = { credential: toWire(result.credential), clientId: result.clientId, retiring: toWire(result.retiring) };
    if (result.secret !== undefined) reply.secret = result.secret;
    if (result.delivery) {
      // Joined, not resolved: a public URL with a path prefix (behind a proxy) keeps it.
      reply.deliveryUrl = (options.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '') + result.delivery.path;
      reply.deliveryExpiresAt = new Date(result.delivery.expiresAt).toISOString();
    }
    return c.json(reply, 201);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'post', path: '/v1/credentials/{id}/finish-rotation', tags, summary: 'End a rotation early: remove a retiring credential now',
    request: { params: z.object({ id: idOf('credential') }) },
    responses: { 200: { description: 'The removed credential', content: jsonContent(credentialSchema) }, ...problems(400, 401, 403, 404, 409, 503) },
  }), async (c) => c.json(toWire(await (await lifecycle()).finishRotation(c.var.caller, c.req.valid('param').id)), 200));

  addRoute(app, 'staff-write', createRoute({
    method: 'post', path: '/v1/apps/{appId}/credentials/{credentialId}/extend-grace', tags, summary: 'Keep a retiring secret working longer',
    description: 'Moves the retireAt of a retiring secret later by `days` (audited as credential.retiring), for a client that has not deployed its new secret yet. ' +
      'At most 30 days from now and never past the secret\'s own expiry.',
    request: { params: z.object({ appId: idOf('app'), credentialId: idOf('credential') }), body: jsonBodyOf(credentialExtendGrace) },
    responses: { 200: { description: 'The retiring credential with its new retireAt', content: jsonContent(credentialSchema) }, ...problems(400, 401, 403, 404, 409, 413, 415, 503) },
  }), async (c) => {
    const { appId, credentialId } = c.req.valid('param');
    const extended = await (await lifecycle()).extendGrace(c.var.caller, appId, credentialId, c.req.valid('json').days);
    return c.json(toWire(extended), 200);
  });
}
