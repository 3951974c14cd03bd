import type { ZodType } from 'zod';
import type { Api, ClientApp } from '../../core/domain.ts';
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import type { RateLimitStore } from '../rate-limit/store.ts';
import type { RequestContext } from './context.ts';
import type { Denial } from './denial.ts';

/**
 * # The policy contract
 *
 * A policy is one step of an API's pipeline, configured on the API as `{ type, config }`
 * (see `Api.policies` in src/core/domain.ts). The gateway runs, for every request that matched an API:
 *
 * ```
 * route → authenticate → authorize → limit → proxy → record
 *            │              │          │
 *            │              │          └ tier limit of the contract (built in), then `limit` policies in configured order
 *            │              └ contract check (built in, always on), then `authorize` policies in configured order
 *            └ `authenticate` policies in configured order (at least one is required: an API without one
 *              answers 403 NO_AUTHENTICATION_POLICY to every call — fail closed)
 * ```
 *
 * ## Lifecycle
 * - `schema` validates the raw config when a snapshot is compiled (and when the management API accepts it).
 *   A config that fails validation, or a `create` that throws, marks that API misconfigured: it answers
 *   503 `API_MISCONFIGURED` and the error is logged, while every other API keeps working.
 * - `create(config, deps)` runs once per snapshot build and returns the handler. Precompute everything here
 *   (header values, keys, lookups); the handler runs on the hot path.
 * - The handler returns `undefined` to continue, or a {@link Denial} to stop the pipeline and answer with it.
 *   It may return a Promise, but a synchronous handler avoids a promise allocation per request: only go async
 *   when you must (a Redis call, a JWKS fetch).
 * - A handler must never throw for bad client input; it returns a Denial. A throw is treated as a gateway
 *   fault (500 INTERNAL_ERROR, logged).
 *
 * ## What an authenticating policy must do
 * Set `ctx.clientId` (the client id the IdP or our store knows the caller by) and, when it already resolved it,
 * `ctx.app` (use `deps.directory.appByClientId`). That is all: the contract check that follows resolves the app
 * if needed and denies 403 NO_CONTRACT unless the app holds an approved contract for this API; the tier limit
 * then applies. If an authenticating policy consumed the `Authorization` header (e.g. Basic client credentials),
 * set `ctx.stripAuthorization = true` so it is not forwarded upstream. A policy that continues without setting
 * `ctx.clientId` is a bug; the pipeline then denies 401 MISSING_CREDENTIALS rather than let the call through.
 *
 * ## When a dependency is unreachable
 * Each policy documents it. Built-ins: `client-id` needs nothing at request time (the snapshot holds the
 * hashes); `rate-limit` and the tier limit deny 503 RATE_LIMIT_UNAVAILABLE if the RateLimitStore fails (fail closed).
 *
 * ## Adding a policy
 * One folder per policy, `src/gateway/policies/<type>/` with `schema.ts` (zod), `factory.ts` (the PolicyFactory
 * and its handler), tests alongside; then add the factory to `builtInPolicyFactories` (policies/registry.ts) or
 * pass it in `startGateway({ policyFactories })`.
 */
export interface PolicyFactory<C = any> {
  /** The `type` string in `Api.policies[].type`. Unique in a registry. */
  readonly type: string;
  readonly phase: PolicyPhase;
  /** Validates and defaults the raw config. Use `.strict()` objects so typos fail the build instead of being ignored. */
  readonly schema: ZodType<C>;
  /** Builds the handler for one API in one snapshot. May throw to reject a config the schema cannot express. */
  create(config: C, deps: PolicyDeps): PolicyHandler;
}

export type PolicyPhase = 'authenticate' | 'authorize' | 'limit';

/** `undefined` = continue with the next step; a Denial = stop and answer with it. */
export type PolicyResult = Denial | undefined;

export type PolicyHandler = (ctx: RequestContext) => PolicyResult | Promise<PolicyResult>;

/** What a factory may use. Everything here belongs to the snapshot being built, so it never changes under a handler. */
export interface PolicyDeps {
  api: Api;
  /** Index of position of this policy in `api.policies` (handy to build distinct rate-limit keys). */
  index: number;
  directory: Directory;
  clock: Clock;
  rateLimitStore: RateLimitStore;
  logger: Logger;
}

/** Read-only lookups into the snapshot being compiled. */
export interface Directory {
  appByClientId(clientId: string): ClientApp | undefined;
  /** Secret verifiers of the app's active and retiring credentials (expiry is checked by the caller at request time). */
  secretsOf(appId: string): readonly SecretVerifier[];
}

export interface SecretVerifier {
  credentialId: string;
  secretHash: string;
  /** Epoch ms after which the secret is rejected (expiry, or end of the retiring grace window); null = never. */
  validUntil: number | null;
}
