import { X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import { fetch, type Dispatcher } from 'undici';
import { decodeJwt } from 'jose';
import type { EntraEndpoints, EntraPlatformCredential } from './config.ts';
import { idpUnavailable, stsError, type ErrorContext } from './errors.ts';
import { msalNetworkModule } from './transport.ts';

/** An app-only token for Microsoft Graph, with the Graph permissions (app roles) it carries. */
export interface GraphToken {
  accessToken: string;
  expiresAt: number;
  roles: string[];
  /** The platform app's service principal id (`oid` of an app-only token). */
  principalId: string | null;
}

export interface TokenSource {
  /** Cached until shortly before expiry; `forceRefresh` skips the cache (after a 401 or a credential change). */
  getToken(forceRefresh?: boolean): Promise<GraphToken>;
}

export interface TokenSourceOptions {
  endpoints: EntraEndpoints;
  clientId: string;
  credential: EntraPlatformCredential;
  dispatcher: Dispatcher;
  errorContext: ErrorContext;
}

/** Token acquisition with MSAL's ConfidentialClientApplication (client credentials; secret or certificate). */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { endpoints, credential } = options;
  const config: Configuration = {
    auth: {
      clientId: options.clientId,
      authority: endpoints.authority,
      // Skips MSAL's instance discovery at login.microsoftonline.com, which sovereign clouds and the emulator need.
      knownAuthorities: [endpoints.authorityHost],
      ...(credential.type === 'secret'
        ? { clientSecret: credential.clientSecret }
        : { clientCertificate: certificateOption(credential.certificatePem, credential.privateKeyPem) }),
    },
    system: {
      networkClient: msalNetworkModule(options.dispatcher),
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  };
  const cca = new ConfidentialClientApplication(config);
  let inflight: Promise<GraphToken> | null = null;

  async function acquire(forceRefresh: boolean): Promise<GraphToken> {
    try {
      const result = await cca.acquireTokenByClientCredential({ scopes: [endpoints.graphScope], skipCache: forceRefresh });
      if (!result?.accessToken) throw new Error('empty token response');
      const claims = decodeJwt(result.accessToken);
      return {
        accessToken: result.accessToken,
        expiresAt: result.expiresOn?.getTime() ?? Date.now() + 3_000_000,
        roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
        principalId: typeof claims.oid === 'string' ? claims.oid : null,
      };
    } catch (e) {
      // MSAL reports a failed discovery without the STS's answer; fetch it ourselves for the AADSTS code (e.g. 90002).
      if ((e as { errorCode?: string }).errorCode === 'endpoints_resolution_error') throw await discoveryError(e, options);
      throw toGatehouseError(e, options.errorContext);
    }
  }

  return {
    getToken(forceRefresh = false) {
      // One request at a time: 200 concurrent jobs must not fire 200 token requests.
      if (!inflight || forceRefresh) {
        const p = acquire(forceRefresh);
        inflight = p;
        p.then(() => { if (inflight === p) inflight = null; }, () => { if (inflight === p) inflight = null; });
      }
      return inflight;
    },
  };
}

async function discoveryError(original: unknown, options: TokenSourceOptions) {
  try {
    const res = await fetch(options.endpoints.discoveryV2, { dispatcher: options.dispatcher, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
    const aadsts = body.error_description?.match(/AADSTS(\d+)/)?.[1] ?? null;
    if (aadsts) return stsError(aadsts, body.error ?? '', options.errorContext);
  } catch {
    // unreachable: fall through to the generic mapping
  }
  return toGatehouseError(original, options.errorContext);
}

function certificateOption(certificatePem: string, privateKey: string) {
  const cert = new X509Certificate(certificatePem);
  return {
    thumbprintSha256: cert.fingerprint256.replaceAll(':', ''),
    privateKey,
    x5c: certificatePem,
  };
}

/** MSAL errors carry the STS answer in `errorCode`/`errorMessage`; network failures carry neither. */
function toGatehouseError(e: unknown, ctx: ErrorContext) {
  if ((e as { code?: string }).code === 'IDP_REJECTED' || (e as { code?: string }).code === 'IDP_UNAVAILABLE') return e;
  const err = e as { errorCode?: string; errorMessage?: string; message?: string; subError?: string };
  const text = `${err.errorMessage ?? ''} ${err.message ?? ''}`;
  const aadsts = text.match(/AADSTS(\d+)/)?.[1] ?? null;
  if (aadsts) return stsError(aadsts, err.errorCode ?? '', ctx);
  const unreachable = /network|ECONN|ENOTFOUND|EAI_AGAIN|timed? ?out|fetch failed|endpoints_resolution_error|certificate|self.signed/i.test(text + (err.errorCode ?? ''));
  if (unreachable) {
    return idpUnavailable(err.errorCode || 'network_error',
      `Could not reach the Entra token endpoint at ${ctx.authorityHost}.`,
      'Check network access to the authority host (proxy, firewall, DNS) and, for a private CA or the emulator, the provider\'s caCertPem.');
  }
  return stsError(null, err.errorCode ?? 'sts_error', ctx);
}
