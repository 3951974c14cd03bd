import { z } from 'zod';

/**
 * Configuration of the `oauth-token` policy: which issuer's access tokens an API accepts and what they must carry.
 * Tokens are validated locally (JWKS); the gateway never calls the IdP per request.
 */
const entraIssuer = z
  .object({
    kind: z.literal('entra'),
    /** The tenant GUID; every issuer and key URL derives from it. */
    tenantId: z.guid(),
    /**
     * Where the tenant's signing keys are fetched (`{authorityHost}/{tid}/discovery[/v2.0]/keys`); default
     * `https://login.microsoftonline.com`. Point it at the emulator (or a national cloud) here.
     */
    authorityHost: z.string().url().optional(),
    /**
     * Hosts in the issuers tokens carry: v1 `{v1}/{tid}/` (default `https://sts.windows.net`), v2 `{v2}/{tid}/v2.0`
     * (default: `authorityHost`, else `https://login.microsoftonline.com`). Only needed when tokens name a host other
     * than the one keys come from, e.g. the emulator in its default "production" issuer style.
     */
    issuerHosts: z.object({ v1: z.string().url().optional(), v2: z.string().url().optional() }).strict().optional(),
  })
  .strict();

const oidcIssuer = z
  .object({
    kind: z.literal('oidc'),
    /** `{issuer}/.well-known/openid-configuration`; `issuer` and `jwks_uri` are read from it. */
    discoveryUrl: z.string().url(),
  })
  .strict();

export const oauthTokenConfigSchema = z
  .object({
    issuer: z.discriminatedUnion('kind', [entraIssuer, oidcIssuer]),
    /** Accepted `aud` values: for Entra the resource app's appId GUID and its App ID URIs. At least one. */
    audiences: z.array(z.string().min(1)).min(1),
    /** Every listed app role must be in the token's `roles`. */
    requiredRoles: z.array(z.string().min(1)).optional(),
    /** Every listed scope must be in the token's `scp` / `scope` (space-separated). */
    requiredScopes: z.array(z.string().min(1)).optional(),
    /** Send the bearer token on to the upstream (default false: the Authorization header is removed). */
    forwardToken: z.boolean().default(false),
    /** Tolerance for exp / nbf / iat, seconds. */
    clockSkewSeconds: z.number().int().min(0).max(300).default(60),
    /**
     * How long past its refresh time a cached JWKS may still be used while the IdP cannot be reached, seconds.
     * Past this bound, tokens fail closed with JWKS_UNAVAILABLE.
     */
    jwksCacheMaxStaleSeconds: z.number().int().min(0).default(86_400),
    /** Tokens longer than this (bytes) are rejected before any parsing. */
    maxTokenBytes: z.number().int().min(256).max(65_536).default(8192),
  })
  .strict();

export type OAuthTokenConfigInput = z.input<typeof oauthTokenConfigSchema>;
export type OAuthTokenConfig = z.output<typeof oauthTokenConfigSchema>;
export type IssuerConfig = OAuthTokenConfig['issuer'];
