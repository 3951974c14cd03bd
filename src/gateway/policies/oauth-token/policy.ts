import type { Clock } from '../../../core/clock.ts';
import type { Denial } from '../../pipeline/denial.ts';
import type { PolicyFactory, PolicyHandler } from '../../pipeline/policy.ts';
import type { RequestContext } from '../../pipeline/context.ts';
import { readBearer } from './bearer.ts';
import { oauthTokenConfigSchema, type OAuthTokenConfig } from './config.ts';
import { JwksRegistry } from './jwks-registry.ts';
import { TOKEN_FAILURES, wwwAuthenticate, type TokenFailureReason } from './reasons.ts';
import { TokenVerifier } from './verifier.ts';

/**
 * `oauth-token` (authenticate phase): the caller presents an OAuth access token (JWT) from the configured issuer
 * in `Authorization: Bearer …`; the token is validated locally (see verifier.ts) and its client id (`azp` /
 * `appid` / `client_id`) identifies the caller. The built-in contract check that follows maps it to an app with
 * an approved contract (403 NO_CONTRACT otherwise).
 *
 * When the IdP is unreachable: tokens signed by cached keys keep passing for `jwksCacheMaxStaleSeconds` past the
 * keys' refresh time; unknown keys and tokens after that bound fail closed (503 JWKS_UNAVAILABLE).
 */
export interface OAuthTokenPolicyOptions {
  /** One per gateway process, shared by every API (see jwks-registry.ts). Default: created on first use. */
  jwks?: JwksRegistry;
  /** Defaults to the gateway clock handed to `create`. */
  clock?: Clock;
  tokenCacheSize?: number;
  onTokenCache?: (hit: boolean) => void;
}

const DENIALS = Object.fromEntries(
  (Object.keys(TOKEN_FAILURES) as TokenFailureReason[]).map((reason) => {
    const { status, error, description } = TOKEN_FAILURES[reason];
    const denial: Denial = { status, reason, description };
    if (status === 401 || error !== null) denial.challenge = wwwAuthenticate(reason);
    if (reason === 'JWKS_UNAVAILABLE') denial.headers = { 'retry-after': '5' };
    return [reason, Object.freeze(denial)];
  }),
) as Record<TokenFailureReason, Denial>;

export function createOAuthTokenPolicy(options: OAuthTokenPolicyOptions = {}): PolicyFactory<OAuthTokenConfig> {
  let jwks = options.jwks;
  // Verifiers (and their token caches) outlive snapshot rebuilds as long as the API's config is unchanged.
  const verifiers = new Map<string, { configKey: string; verifier: TokenVerifier }>();

  return {
    type: 'oauth-token',
    phase: 'authenticate',
    schema: oauthTokenConfigSchema,
    create(config, deps): PolicyHandler {
      const slot = `${deps.api.id}#${deps.index}`;
      const configKey = JSON.stringify(config);
      let entry = verifiers.get(slot);
      if (entry?.configKey !== configKey) {
        entry = {
          configKey,
          verifier: new TokenVerifier(config, {
            jwks: (jwks ??= new JwksRegistry()),
            clock: options.clock ?? deps.clock,
            ...(options.tokenCacheSize !== undefined ? { tokenCacheSize: options.tokenCacheSize } : {}),
            ...(options.onTokenCache ? { onTokenCache: options.onTokenCache } : {}),
          }),
        };
        verifiers.set(slot, entry);
      }
      const { verifier } = entry;
      const { directory } = deps;
      const stripAuthorization = !config.forwardToken;

      return async (ctx: RequestContext): Promise<Denial | undefined> => {
        const bearer = readBearer(ctx.req, ctx.rest, config.maxTokenBytes);
        if (!bearer.ok) return DENIALS[bearer.reason];
        const result = await verifier.verify(bearer.token);
        if (!result.ok) return DENIALS[result.reason];
        ctx.clientId = result.token.clientId;
        ctx.app = directory.appByClientId(result.token.clientId) ?? null;
        ctx.stripAuthorization = stripAuthorization;
        return undefined;
      };
    },
  };
}

export { DENIALS as OAUTH_TOKEN_DENIALS };
