import type { EmulatorContext } from '../context.ts';
import type { EmulatorResponse } from '../http.ts';
import { json } from '../http.ts';
import { aadsts, aadstsResponse } from './errors.ts';

const MULTI_TENANT = ['common', 'organizations', 'consumers'];

/**
 * OpenID discovery, v2 (`/{tenant}/v2.0/.well-known/openid-configuration`) and v1
 * (`/{tenant}/.well-known/openid-configuration`). Endpoints point at the emulator; the issuer is the real Microsoft
 * one in 'production' style, which msal accepts because it is a well-known Microsoft host.
 */
export function discoveryDocument(ctx: EmulatorContext, tenantSegment: string, version: 1 | 2): EmulatorResponse {
  const templated = MULTI_TENANT.includes(tenantSegment.toLowerCase());
  const tenant = templated ? undefined : ctx.directory.resolve(tenantSegment);
  if (!templated && !tenant) return aadstsResponse(aadsts.tenantNotFound(tenantSegment), ctx.clock.now());
  const tid = tenant?.id ?? '{tenantid}';
  const path = tenant?.id ?? tenantSegment;
  const base = `${ctx.url}/${path}`;
  const issuer = version === 2
    ? (ctx.settings.issuerStyle === 'production' ? `https://login.microsoftonline.com/${tid}/v2.0` : `${ctx.url}/${tid}/v2.0`)
    : (ctx.settings.issuerStyle === 'production' ? `https://sts.windows.net/${tid}/` : `${ctx.url}/${tid}/`);
  const oauth = version === 2 ? `${base}/oauth2/v2.0` : `${base}/oauth2`;
  return json(200, {
    token_endpoint: `${oauth}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: version === 2 ? `${base}/discovery/v2.0/keys` : `${base}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', version === 2 ? 'id_token token' : 'token id_token', 'token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${oauth}/authorize`,
    device_authorization_endpoint: `${oauth}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${oauth}/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  });
}

/** Instance discovery (`/common/discovery/instance`), for clients that do not skip it. */
export function instanceDiscovery(ctx: EmulatorContext, authorizationEndpoint: string | null): EmulatorResponse {
  const host = new URL(ctx.url).host;
  const tenant = authorizationEndpoint?.match(/^https:\/\/[^/]+\/([^/]+)\//)?.[1] ?? 'common';
  return json(200, {
    tenant_discovery_endpoint: `${ctx.url}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}
