import { GatehouseError } from '../../core/errors.ts';

/**
 * Configuration of an `entra` provider, as stored in Provider.config (non-secret) and what we derive from it.
 *
 * The operator gives the tenant id (GUID or verified domain) and, for sovereign clouds or the emulator, host names.
 * Every issuer, discovery document and JWKS address is derived here; there is deliberately no `issuer` field.
 * Community guides for other gateways tell operators to paste the portal's WS-Federation sign-on address as the
 * issuer; that URL is neither token issuer, so it is refused with an explanation (see `refuseWsFed`).
 */
export interface EntraProviderConfig {
  /** Directory (tenant) id: a GUID, or a verified domain such as contoso.onmicrosoft.com. */
  tenantId: string;
  /** Cloud whose hosts are used unless overridden. Default 'global'. */
  cloud: EntraCloud;
  /** host[:port] of the STS; overrides the cloud's (emulator: `localhost:8443`). */
  authorityHost?: string;
  /** host[:port] of Microsoft Graph; overrides the cloud's. */
  graphHost?: string;
  /** Application (client) id of the platform app that holds Application.ReadWrite.OwnedBy. */
  clientId: string;
  /** Which credential the platform app uses; the credential itself is stored encrypted (`EntraPlatformCredential`). */
  credentialType: 'secret' | 'certificate';
  /** Extra CA certificate(s) to trust for the authority and Graph hosts (PEM), e.g. the emulator's CA. */
  caCertPem?: string;
  /**
   * Host of the `iss` strings when they differ from the cloud's (only the emulator in local-issuer mode needs this).
   * Still derived: issuers remain `https://{v2IssuerHost}/{tid}/v2.0` and `https://{v1IssuerHost}/{tid}/`.
   */
  v1IssuerHost?: string;
  v2IssuerHost?: string;
  /** Roll the platform's own credential automatically when it nears expiry (src/control/lifecycle/provider-credential-phase.ts). */
  autoRotate?: boolean;
  /** How many days before expiry the automatic roll happens (default 30). */
  rotateWithinDays?: number;
}

export type EntraCloud = 'global' | 'usgov' | 'china';

/** The platform app's own credential, kept only in Provider.secretCiphertext (encrypted). */
export type EntraPlatformCredential =
  | { type: 'secret'; clientSecret: string }
  | { type: 'certificate'; certificatePem: string; privateKeyPem: string };

interface CloudHosts {
  authorityHost: string;
  graphHost: string;
  /** Graph's resource id stays the public one even when graphHost points elsewhere (e.g. the emulator). */
  graphResource: string;
  v1IssuerHost: string;
  v2IssuerHost: string;
}

/** National-cloud endpoints (learn.microsoft.com/graph/deployments; entra-docs authentication-national-cloud). */
export const ENTRA_CLOUDS: Record<EntraCloud, CloudHosts> = {
  global: {
    authorityHost: 'login.microsoftonline.com', graphHost: 'graph.microsoft.com', graphResource: 'https://graph.microsoft.com',
    v1IssuerHost: 'sts.windows.net', v2IssuerHost: 'login.microsoftonline.com',
  },
  usgov: {
    authorityHost: 'login.microsoftonline.us', graphHost: 'graph.microsoft.us', graphResource: 'https://graph.microsoft.us',
    v1IssuerHost: 'login.microsoftonline.us', v2IssuerHost: 'login.microsoftonline.us',
  },
  china: {
    authorityHost: 'login.chinacloudapi.cn', graphHost: 'microsoftgraph.chinacloudapi.cn',
    graphResource: 'https://microsoftgraph.chinacloudapi.cn',
    v1IssuerHost: 'sts.chinacloudapi.cn', v2IssuerHost: 'login.partner.microsoftonline.cn',
  },
};

/** Everything addresses-related, derived from the config. */
export interface EntraEndpoints {
  tenant: string;
  /** `https://{authorityHost}/{tenant}` — what MSAL is given. */
  authority: string;
  /** host[:port], for MSAL's knownAuthorities (skips instance discovery at login.microsoftonline.com). */
  authorityHost: string;
  tokenEndpoint: string;
  discoveryV2: string;
  discoveryV1: string;
  jwksV2: string;
  jwksV1: string;
  /** Null while the tenant is a domain: issuers need the GUID (resolve it with `resolveTenantGuid`). */
  issuerV2: string | null;
  issuerV1: string | null;
  /** `https://{graphHost}/v1.0`. */
  graphBaseUrl: string;
  /** `https://{graphHost}/beta`: only for what v1.0 lacks (the sign-in activity reports). */
  graphBetaBaseUrl: string;
  /** `https://graph.microsoft.com/.default` (or the national cloud's). */
  graphScope: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$/i;

export const isGuid = (s: string) => GUID.test(s);

const invalid = (field: string, detail: string) => new GatehouseError('VALIDATION_FAILED', detail, { field });

/**
 * Validates raw provider settings (from the API, CLI or `apply`) and returns the normalised config.
 * Accepts a tenant GUID, a verified domain, or a login URL containing the tenant (the GUID is extracted).
 */
export function parseEntraConfig(raw: Record<string, unknown>): EntraProviderConfig {
  for (const forbidden of ['issuer', 'issuerUrl', 'wsfedUrl']) {
    if (raw[forbidden] !== undefined) {
      const value = String(raw[forbidden]);
      refuseWsFed(value, forbidden);
      throw invalid(forbidden,
        `Entra providers take no issuer: Gatehouse derives both token issuers from the tenant id ` +
        `(v1 https://sts.windows.net/{tenant}/ and v2 https://login.microsoftonline.com/{tenant}/v2.0). ` +
        `Remove "${forbidden}" and give "tenantId".`);
    }
  }
  const tenantRaw = typeof raw.tenantId === 'string' ? raw.tenantId.trim() : '';
  if (!tenantRaw) throw invalid('tenantId', 'tenantId is required: the Directory (tenant) ID from the Entra admin center overview page.');
  const tenantId = normaliseTenant(tenantRaw);

  const cloud = (raw.cloud ?? 'global') as EntraCloud;
  if (!(cloud in ENTRA_CLOUDS)) throw invalid('cloud', `cloud must be one of ${Object.keys(ENTRA_CLOUDS).join(', ')}.`);

  const clientId = typeof raw.clientId === 'string' ? raw.clientId.trim() : '';
  if (!isGuid(clientId)) {
    throw invalid('clientId', 'clientId must be the Application (client) ID GUID of the platform app registration.');
  }
  const credentialType = raw.credentialType ?? 'secret';
  if (credentialType !== 'secret' && credentialType !== 'certificate') {
    throw invalid('credentialType', 'credentialType must be "secret" or "certificate".');
  }
  const config: EntraProviderConfig = { tenantId, cloud, clientId, credentialType };
  for (const field of ['authorityHost', 'graphHost', 'v1IssuerHost', 'v2IssuerHost'] as const) {
    const v = raw[field];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string' || !HOST.test(v)) {
      throw invalid(field, `${field} must be a host name with an optional port (e.g. login.microsoftonline.us), not a URL.`);
    }
    config[field] = v.toLowerCase();
  }
  if (raw.caCertPem !== undefined && raw.caCertPem !== null) {
    if (typeof raw.caCertPem !== 'string' || !raw.caCertPem.includes('-----BEGIN CERTIFICATE-----')) {
      throw invalid('caCertPem', 'caCertPem must be one or more PEM certificates.');
    }
    config.caCertPem = raw.caCertPem;
  }
  if (raw.autoRotate !== undefined) {
    if (typeof raw.autoRotate !== 'boolean') throw invalid('autoRotate', 'autoRotate must be true or false.');
    config.autoRotate = raw.autoRotate;
  }
  if (raw.rotateWithinDays !== undefined) {
    const d = raw.rotateWithinDays;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 3650) throw invalid('rotateWithinDays', 'rotateWithinDays must be a whole number of days from 1 to 3650.');
    config.rotateWithinDays = d;
  }
  return config;
}

function normaliseTenant(value: string): string {
  if (/^https?:\/\//i.test(value)) {
    refuseWsFed(value, 'tenantId');
    const guid = value.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0];
    if (!guid) throw invalid('tenantId', 'tenantId must be the tenant GUID or domain; no tenant GUID was found in that URL.');
    return guid.toLowerCase();
  }
  if (isGuid(value)) return value.toLowerCase();
  if (['common', 'organizations', 'consumers'].includes(value.toLowerCase())) {
    throw invalid('tenantId', `"${value}" is not a tenant: app-only tokens need your tenant's GUID or verified domain.`);
  }
  if (DOMAIN.test(value)) return value.toLowerCase();
  throw invalid('tenantId', 'tenantId must be the Directory (tenant) ID GUID or a verified domain (contoso.onmicrosoft.com).');
}

/** Refuses the WS-Federation sign-on address or federation metadata URL, explaining what to give instead. */
export function refuseWsFed(value: string, field: string): void {
  let url: URL;
  try { url = new URL(value); } catch { return; }
  const path = url.pathname.toLowerCase();
  if (!/\/wsfed\/?$/.test(path) && !path.includes('/federationmetadata')) return;
  const guid = value.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0];
  throw invalid(field,
    `${value} is the WS-Federation ${path.includes('federationmetadata') ? 'metadata document' : 'sign-on endpoint'}, not a token issuer: ` +
    `OAuth access tokens are issued by https://sts.windows.net/{tenant}/ (v1) or https://login.microsoftonline.com/{tenant}/v2.0 (v2), ` +
    `and Gatehouse derives both. Give only the tenant id` + (guid ? ` (here: tenantId "${guid.toLowerCase()}").` : '.'));
}

export function deriveEntraEndpoints(config: EntraProviderConfig): EntraEndpoints {
  const cloud = ENTRA_CLOUDS[config.cloud];
  const authorityHost = config.authorityHost ?? cloud.authorityHost;
  const graphHost = config.graphHost ?? cloud.graphHost;
  const t = config.tenantId;
  const login = `https://${authorityHost}/${t}`;
  const guid = isGuid(t);
  return {
    tenant: t,
    authority: login,
    authorityHost,
    tokenEndpoint: `${login}/oauth2/v2.0/token`,
    discoveryV2: `${login}/v2.0/.well-known/openid-configuration`,
    discoveryV1: `${login}/.well-known/openid-configuration`,
    jwksV2: `${login}/discovery/v2.0/keys`,
    jwksV1: `${login}/discovery/keys`,
    issuerV2: guid ? `https://${config.v2IssuerHost ?? cloud.v2IssuerHost}/${t}/v2.0` : null,
    issuerV1: guid ? `https://${config.v1IssuerHost ?? cloud.v1IssuerHost}/${t}/` : null,
    graphBaseUrl: `https://${graphHost}/v1.0`,
    graphBetaBaseUrl: `https://${graphHost}/beta`,
    graphScope: `${cloud.graphResource}/.default`,
  };
}
