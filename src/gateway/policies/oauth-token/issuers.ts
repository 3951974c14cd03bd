import type { IssuerConfig } from './config.ts';

/**
 * What a token must say about who issued it, and where that issuer's keys are. Entra issues two token versions
 * whose issuer and key document differ; the resource app's setting (not the endpoint used) decides the version,
 * so the token's own `ver` claim picks the expected issuer and it must then match exactly.
 */
export interface IssuerExpectation {
  issuer: string;
  jwksUrl: string;
  /** Claim holding the client id: v1 `appid`, v2 `azp`, generic OIDC `client_id` (RFC 9068) or `azp`. */
  clientIdClaims: readonly string[];
  /** Entra signs with RS256 only; pinning it means a key published with another alg is never trusted. */
  algorithms: readonly string[] | null;
  /** Entra: `tid` must equal the configured tenant. */
  tenantId: string | null;
}

export const DEFAULT_ENTRA_AUTHORITY = 'https://login.microsoftonline.com';
export const DEFAULT_ENTRA_V1_ISSUER_HOST = 'https://sts.windows.net';

export interface EntraIssuers {
  v1: IssuerExpectation;
  v2: IssuerExpectation;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function entraIssuers(config: {
  tenantId: string;
  authorityHost?: string | undefined;
  issuerHosts?: { v1?: string | undefined; v2?: string | undefined } | undefined;
}): EntraIssuers {
  const authority = trimSlash(config.authorityHost ?? DEFAULT_ENTRA_AUTHORITY);
  const v1Host = trimSlash(config.issuerHosts?.v1 ?? DEFAULT_ENTRA_V1_ISSUER_HOST);
  const v2Host = trimSlash(config.issuerHosts?.v2 ?? authority);
  const tid = config.tenantId.toLowerCase();
  return {
    v1: {
      issuer: `${v1Host}/${tid}/`,
      jwksUrl: `${authority}/${tid}/discovery/keys`,
      clientIdClaims: ['appid'],
      algorithms: ['RS256'],
      tenantId: tid,
    },
    v2: {
      issuer: `${v2Host}/${tid}/v2.0`,
      jwksUrl: `${authority}/${tid}/discovery/v2.0/keys`,
      clientIdClaims: ['azp'],
      algorithms: ['RS256'],
      tenantId: tid,
    },
  };
}

/** Entra: the expectation for this token's `ver`; null when `ver` is missing or unknown (the token is rejected). */
export function entraExpectationFor(issuers: EntraIssuers, ver: unknown): IssuerExpectation | null {
  if (ver === '1.0') return issuers.v1;
  if (ver === '2.0') return issuers.v2;
  return null;
}

export interface DiscoveredIssuer {
  issuer: string;
  jwks_uri: string;
}

export function oidcExpectation(discovered: DiscoveredIssuer): IssuerExpectation {
  return {
    issuer: discovered.issuer,
    jwksUrl: discovered.jwks_uri,
    clientIdClaims: ['client_id', 'azp'],
    algorithms: null,
    tenantId: null,
  };
}

export type { IssuerConfig };
