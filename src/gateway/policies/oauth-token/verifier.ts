import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { systemClock, type Clock } from '../../../core/clock.ts';
import type { OAuthTokenConfig } from './config.ts';
import { entraExpectationFor, entraIssuers, oidcExpectation, type IssuerExpectation } from './issuers.ts';
import type { JwksRegistry } from './jwks-registry.ts';
import { fail, type TokenFailure, type TokenFailureReason } from './reasons.ts';
import { TokenCache } from './token-cache.ts';

/**
 * Bearer token string → the client it was issued to, or a typed failure. Everything is checked locally:
 * size, shape (JWS only), algorithm (only what the signing key allows), issuer (Entra: by `ver`), tenant,
 * signature, audience, exp / nbf / iat with skew, then required roles and scopes.
 */
export interface VerifiedToken {
  clientId: string;
  claims: JWTPayload;
  /** `1.0` / `2.0` for Entra, `oidc` for a generic issuer. */
  version: string;
}

export type VerifyResult = { ok: true; token: VerifiedToken; cached: boolean } | TokenFailure;

export interface TokenVerifierDeps {
  jwks: JwksRegistry;
  clock?: Clock;
  tokenCacheSize?: number;
  onTokenCache?: (hit: boolean) => void;
}

export class TokenVerifier {
  private readonly clock: Clock;
  private readonly cache: TokenCache<VerifiedToken>;
  private readonly entra;

  constructor(
    private readonly config: OAuthTokenConfig,
    private readonly deps: TokenVerifierDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.cache = new TokenCache(this.clock, deps.tokenCacheSize ?? 10_000);
    this.entra = config.issuer.kind === 'entra' ? entraIssuers(config.issuer) : null;
  }

  async verify(token: string): Promise<VerifyResult> {
    if (Buffer.byteLength(token, 'utf8') > this.config.maxTokenBytes) return fail('TOKEN_TOO_LARGE');
    const cacheKey = TokenCache.keyOf(token);
    const cached = this.cache.get(cacheKey);
    this.deps.onTokenCache?.(cached !== undefined);
    if (cached) return { ok: true, token: cached, cached: true };

    const parts = token.split('.');
    if (parts.length === 5) return fail('TOKEN_ENCRYPTED');
    if (parts.length !== 3) return fail('TOKEN_MALFORMED');
    let header: ProtectedHeaderParameters;
    let unverified: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt(token);
    } catch {
      return fail('TOKEN_MALFORMED');
    }
    if ('enc' in header) return fail('TOKEN_ENCRYPTED');
    const alg = header.alg;
    if (typeof alg !== 'string') return fail('TOKEN_MALFORMED');
    if (alg === 'none' || alg.startsWith('HS')) return fail('TOKEN_ALG_NOT_ALLOWED');

    const expectation = await this.expectationFor(unverified);
    if ('reason' in expectation) return expectation;
    if (expectation.algorithms && !expectation.algorithms.includes(alg)) return fail('TOKEN_ALG_NOT_ALLOWED');
    // Checked before touching keys, so tokens from foreign issuers never cause JWKS fetches.
    if (unverified.iss !== expectation.issuer) return fail('TOKEN_BAD_ISSUER');
    if (expectation.tenantId !== null && String(unverified['tid'] ?? '').toLowerCase() !== expectation.tenantId) {
      return fail('TOKEN_BAD_ISSUER');
    }

    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const key = await this.deps.jwks.jwks(expectation.jwksUrl, this.config.jwksCacheMaxStaleSeconds * 1000).lookup(kid, alg);
    if (!key.ok) return fail(key.reason);

    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        issuer: expectation.issuer,
        audience: this.config.audiences,
        clockTolerance: this.config.clockSkewSeconds,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return fail(reasonFor(error));
    }
    const nowSeconds = this.clock.now() / 1000;
    if (typeof claims.iat === 'number' && claims.iat > nowSeconds + this.config.clockSkewSeconds) return fail('TOKEN_NOT_YET_VALID');

    const clientId = expectation.clientIdClaims.map((c) => claims[c]).find((v): v is string => typeof v === 'string' && v !== '');
    if (!clientId) return fail('TOKEN_NO_CLIENT_ID');
    const denied = this.checkGrants(claims);
    if (denied) return fail(denied);

    const verified: VerifiedToken = { clientId, claims, version: this.entra ? String(claims['ver']) : 'oidc' };
    this.cache.set(cacheKey, verified, claims.exp!);
    return { ok: true, token: verified, cached: false };
  }

  private async expectationFor(unverified: JWTPayload): Promise<IssuerExpectation | TokenFailure> {
    if (this.entra) return entraExpectationFor(this.entra, unverified['ver']) ?? fail('TOKEN_BAD_ISSUER');
    if (this.config.issuer.kind !== 'oidc') return fail('TOKEN_BAD_ISSUER');
    const discovered = await this.deps.jwks.discovery(this.config.issuer.discoveryUrl).resolve();
    return discovered ? oidcExpectation(discovered) : fail('JWKS_UNAVAILABLE');
  }

  private checkGrants(claims: JWTPayload): TokenFailureReason | null {
    const roles = Array.isArray(claims['roles']) ? (claims['roles'] as unknown[]) : [];
    if (this.config.requiredRoles?.some((r) => !roles.includes(r))) return 'TOKEN_INSUFFICIENT_ROLES';
    const scopeClaim = claims['scp'] ?? claims['scope'];
    const scopes = typeof scopeClaim === 'string' ? scopeClaim.split(' ') : Array.isArray(scopeClaim) ? scopeClaim : [];
    if (this.config.requiredScopes?.some((s) => !scopes.includes(s))) return 'TOKEN_INSUFFICIENT_SCOPE';
    return null;
  }
}

function reasonFor(error: unknown): TokenFailureReason {
  if (error instanceof errors.JWTExpired) return 'TOKEN_EXPIRED';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'TOKEN_BAD_SIGNATURE';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'TOKEN_ALG_NOT_ALLOWED';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'TOKEN_BAD_AUDIENCE';
    if (error.claim === 'iss') return 'TOKEN_BAD_ISSUER';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'TOKEN_NOT_YET_VALID';
    if (error.claim === 'exp') return 'TOKEN_MALFORMED';
  }
  return 'TOKEN_MALFORMED';
}
