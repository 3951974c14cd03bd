export { createOAuthTokenPolicy, OAUTH_TOKEN_DENIALS, type OAuthTokenPolicyOptions } from './policy.ts';
export { oauthTokenConfigSchema, type OAuthTokenConfig, type OAuthTokenConfigInput } from './config.ts';
export { JwksRegistry, type JwksRegistryOptions } from './jwks-registry.ts';
export { TokenVerifier, type VerifiedToken, type VerifyResult } from './verifier.ts';
export { TOKEN_FAILURES, wwwAuthenticate, type TokenFailureReason } from './reasons.ts';
export { entraIssuers, type IssuerExpectation } from './issuers.ts';
