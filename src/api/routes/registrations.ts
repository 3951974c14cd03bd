import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../../core/clock.ts';
import { systemClock } from '../../core/clock.ts';
import type { ClientApp, Job, Provider } from '../../core/domain.ts';
import { GatehouseError } from '../../core/errors.ts';
import type { Store } from '../../core/ports/store.ts';
import type { Services } from '../../control/index.ts';
import { claimOnboardingSecret, ONBOARD_JOB, readResourceApp } from '../../control/onboarding/index.ts';
import { deriveEntraEndpoints, parseEntraConfig } from '../../identity/entra/config.ts';
import type { Vault } from '../../platform/vault.ts';
import type { AppEnv } from '../env.ts';
import { addRoute } from '../route.ts';
import { idOf, isoTime, isoTimeOrNull, jsonContent, problems } from '../schemas.ts';

/**
 * An app's registration in its IdP and the one-time hand-over of the secret onboarding created there.
 * Onboarding runs as a job after the contract approval; its secret is sealed in the job until the app's owner (or
 * staff) claims it here, once. Afterwards Gatehouse keeps no copy: a lost secret means rotating (`credential rotate`).
 */
export interface RegistrationRouteDeps {
  store: Store;
  clock?: Clock;
  /** Opens the sealed delivery; without one (an API process started without the master key) claims fail with 503. */
  vault?: Vault;
}

/** Seconds a client should wait before asking again while onboarding runs. */
export const CLAIM_RETRY_AFTER_SECONDS = 2;

const appParams = z.object({ appId: idOf('app') });
const tags = ['apps'];

const jobSchema = z
  .object({ id: z.string(), state: z.enum(['pending', 'running', 'succeeded', 'failed']), attempts: z.number().int(), lastError: z.string().nullable(), createdAt: isoTime, updatedAt: isoTime })
  .openapi('OnboardingJob');

const registrationSchema = z
  .object({
    appId: z.string(),
    providerId: z.string().nullable(),
    clientId: z.string().nullable(),
    objectId: z.string().nullable(),
    status: z.enum(['none', 'pending', 'registered', 'failed']),
    secret: z.enum(['none', 'pending', 'claimable', 'claimed', 'expired']).openapi({ description: 'Where the one-time onboarding secret is.' }),
    job: jobSchema.nullable(),
  })
  .openapi('Registration');

const secretSchema = z
  .object({
    clientId: z.string(),
    secret: z.string().openapi({ description: 'Shown once, never again: store it now.' }),
    keyId: z.string(),
    expiresAt: isoTime,
    tokenEndpoint: z.string().nullable(),
    scope: z.string().nullable().openapi({ description: 'What to ask for with client_credentials: `{resource app identifier URI}/.default`.' }),
  })
  .openapi('RegistrationSecret');

const pendingSchema = z.object({ status: z.literal('pending'), retryAfter: z.number().int(), jobId: z.string() }).openapi('RegistrationPending');

/** The newest onboarding job of the app (a re-onboarding after an offboarding gets a new one). */
function latestOnboarding(store: Store, appId: string): Promise<Job | null> {
  return store.jobs.latest({ type: ONBOARD_JOB, key: appId });
}

async function providerOf(store: Store, app: ClientApp): Promise<Provider | null> {
  const id = app.providerId ?? (await store.environments.get(app.environmentId))?.defaultProviderId;
  return id ? store.providers.get(id) : null;
}

/** Where and how the client gets tokens with its secret (Entra: the v2 token endpoint and the resource app's scope). */
function tokenHints(provider: Provider | null, environmentId: string): { tokenEndpoint: string | null; scope: string | null } {
  if (!provider || provider.kind !== 'entra') return { tokenEndpoint: null, scope: null };
  let tokenEndpoint: string | null = null;
  try {
    tokenEndpoint = deriveEntraEndpoints(parseEntraConfig(provider.config)).tokenEndpoint;
  } catch {
    // a provider config that no longer parses is the doctor's to report; the secret is still worth handing over
  }
  const resourceApp = readResourceApp(provider, environmentId);
  return { tokenEndpoint, scope: resourceApp ? `${resourceApp.identifierUri}/.default` : null };
}

function secretState(job: Job | null): z.infer<typeof registrationSchema>['secret'] {
  if (!job) return 'none';
  const p = job.progress;
  if (typeof p.delivery === 'string') return 'claimable';
  if (p.deliveredAt) return 'claimed';
  if (p.deliveryExpired) return 'expired';
  return job.state === 'pending' || job.state === 'running' ? 'pending' : 'none';
}

function pending(c: { header(name: string, value: string): void }, jobId: string): Response {
  c.header('retry-after', String(CLAIM_RETRY_AFTER_SECONDS));
  const headers = { 'content-type': 'application/json', 'retry-after': String(CLAIM_RETRY_AFTER_SECONDS), 'cache-control': 'no-store' };
  return new Response(JSON.stringify({ status: 'pending', retryAfter: CLAIM_RETRY_AFTER_SECONDS, jobId }), { status: 202, headers });
}

function gone(c: { req: { path: string } }, detail: string, reason: string): Response {
  // 410 has no GatehouseError code (no other resource is ever "gone"); the problem keeps the same shape.
  const body = {
    type: 'https://gatehouse.dev/problems/secret-gone', title: 'Secret gone',
    status: 410, detail, code: 'SECRET_GONE', reason, instance: c.req.path,
  };
  return new Response(JSON.stringify(body), { status: 410, headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' } });
}

export function registrationRoutes(app: OpenAPIHono<AppEnv>, services: Services, deps: RegistrationRouteDeps): void {
  const clock = deps.clock ?? systemClock;

  addRoute(app, 'any', createRoute({
    method: 'get', path: '/v1/apps/{appId}/registration', tags, summary: "An app's registration in its identity provider and its onboarding job",
    request: { params: appParams },
    responses: { 200: { description: 'Registration status', content: jsonContent(registrationSchema) }, ...problems(400, 401, 403, 404) },
  }), async (c) => {
    const appRow = await services.apps.get(c.var.caller, c.req.valid('param').appId);
    const job = await latestOnboarding(deps.store, appRow.id);
    const status = appRow.registration ? 'registered' : !job ? 'none' : job.state === 'failed' ? 'failed' : job.state === 'succeeded' ? 'none' : 'pending';
    return c.json({
      appId: appRow.id,
      providerId: (await providerOf(deps.store, appRow))?.id ?? null,
      clientId: appRow.registration?.clientId ?? null,
      objectId: appRow.registration?.objectId ?? null,
      status,
      secret: secretState(job),
      job: job ? { id: job.id, state: job.state, attempts: job.attempts, lastError: job.lastError, createdAt: new Date(job.createdAt).toISOString(), updatedAt: new Date(job.updatedAt).toISOString() } : null,
    } as z.infer<typeof registrationSchema>, 200);
  });

  addRoute(app, 'owner-write', createRoute({
    method: 'post', path: '/v1/apps/{appId}/registration/secret', tags, summary: 'Claim the secret onboarding created in the IdP (once)',
    description: '200 with the secret the first time after onboarding finished; 202 while onboarding runs (ask again after `retryAfter` seconds); 410 once claimed or expired.',
    request: { params: appParams },
    responses: {
      200: { description: 'The secret; it is never shown again', content: jsonContent(secretSchema) },
      202: { description: 'Onboarding still runs', content: jsonContent(pendingSchema) },
      410: { description: 'Already claimed, expired, or onboarding failed (SECRET_GONE)', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } },
      ...problems(400, 401, 403, 404, 503),
    },
  }), async (c) => {
    const appRow = await services.apps.get(c.var.caller, c.req.valid('param').appId);
    const job = await latestOnboarding(deps.store, appRow.id);
    if (!job) {
      throw new GatehouseError('NOT_FOUND',
        `App ${appRow.name} has no onboarding: it gets an IdP registration with its first approved contract on an API with an oauth-token policy.`,
        { appId: appRow.id });
    }
    if (!deps.vault) throw new GatehouseError('IDP_UNAVAILABLE', 'This API process has no master key, so it cannot open onboarding secrets.');
    c.header('cache-control', 'no-store');
    // The secret exists halfway through onboarding, but the app is usable only once every step is done (a later
    // step that fails undoes the registration): hand it over only after the job succeeded.
    if (job.state === 'pending' || job.state === 'running') return pending(c, job.id);
    if (job.state === 'failed') return gone(c, `Onboarding failed: ${job.lastError ?? 'see the job'}.`, 'failed');
    const outcome = await claimOnboardingSecret({ store: deps.store, vault: deps.vault, clock }, job.id);
    switch (outcome.status) {
      case 'delivered': {
        const { secret } = outcome;
        const hints = tokenHints(await providerOf(deps.store, appRow), appRow.environmentId);
        c.var.logger.info({ appId: appRow.id, jobId: job.id, keyId: secret.keyId }, 'onboarding secret claimed');
        return c.json({ clientId: secret.clientId, secret: secret.secret, keyId: secret.keyId, expiresAt: new Date(secret.expiresAt).toISOString(), ...hints }, 200);
      }
      case 'pending':
        return pending(c, job.id);
      case 'gone': {
        const why = {
          claimed: 'The onboarding secret was already claimed; Gatehouse keeps no copy. Rotate the credential to get a new one.',
          expired: 'The onboarding secret was not claimed in time and was wiped. Rotate the credential to get a new one.',
          failed: `Onboarding failed: ${job.lastError ?? 'see the job'}.`,
          'no-secret': 'Onboarding finished without a secret to hand over.',
        }[outcome.reason];
        return gone(c, why, outcome.reason);
      }
      case 'not-found':
        throw new GatehouseError('NOT_FOUND', `Onboarding job ${job.id} no longer exists.`);
    }
  });
}
