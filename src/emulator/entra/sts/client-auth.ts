import { decodeProtectedHeader, jwtVerify, errors as joseErrors } from 'jose';
import type { EmulatorContext } from '../context.ts';
import type { ApplicationRecord } from '../directory/model.ts';
import type { Tenant } from '../directory/tenant.ts';
import { clientSecretMatches } from '../directory/secrets.ts';
import { aadsts } from './errors.ts';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface AuthenticatedClient {
  app: ApplicationRecord;
  /** appidacr / azpacr: "1" secret, "2" certificate. */
  acr: '1' | '2';
  credentialKeyId: string;
  credentialType: 'clientSecret' | 'clientAssertion';
}

export interface ClientAuthInput {
  form: URLSearchParams;
  authorization: string | undefined;
  /** Audiences a client assertion may carry: the emulator's token URLs and Entra's real ones for this tenant. */
  assertionAudiences: string[];
}

/** Which client is calling, before any check (for sign-in logs of failures too). */
export function claimedClientId(input: ClientAuthInput): string | undefined {
  const basic = parseBasic(input.authorization);
  if (basic) return basic.id;
  const fromForm = input.form.get('client_id');
  if (fromForm) return fromForm;
  const assertion = input.form.get('client_assertion');
  if (!assertion) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Client authentication for the token endpoint: a secret (form body or HTTP Basic) or a certificate-signed client
 * assertion (private_key_jwt). The errors are Entra's: unknown app 700016, disabled 7000112, wrong or not yet
 * replicated secret 7000215, expired secret 7000222, bad assertion 700027/700024/700021.
 */
export async function authenticateClient(ctx: EmulatorContext, tenant: Tenant, input: ClientAuthInput): Promise<AuthenticatedClient> {
  const clientId = claimedClientId(input);
  if (!clientId) throw aadsts.missingParameter('client_id');
  const nowMs = ctx.clock.now();
  const app = tenant.applicationByAppId(clientId);
  if (!app || nowMs < app.createdAtMs + ctx.faults.replicationDelayMs) throw aadsts.appNotFound(clientId, tenant.id);
  if (app.body.isDisabled === true) throw aadsts.appDisabled(clientId);

  const basic = parseBasic(input.authorization);
  const secret = basic?.secret ?? input.form.get('client_secret');
  if (secret) return { app, acr: '1', credentialType: 'clientSecret', credentialKeyId: checkSecret(ctx, app, secret, nowMs) };

  const assertion = input.form.get('client_assertion');
  if (assertion) {
    if (input.form.get('client_assertion_type') !== ASSERTION_TYPE) throw aadsts.missingParameter('client_assertion_type');
    const keyId = await checkAssertion(app, assertion, clientId, input.assertionAudiences, nowMs);
    return { app, acr: '2', credentialType: 'clientAssertion', credentialKeyId: keyId };
  }
  throw aadsts.missingCredential();
}

function checkSecret(ctx: EmulatorContext, app: ApplicationRecord, secret: string, nowMs: number): string {
  const match = app.secrets.find((s) => clientSecretMatches(secret, s.hash));
  // A secret that has not replicated yet is indistinguishable from a wrong one, which is what callers see in Entra.
  if (!match || nowMs < match.addedAtMs + ctx.faults.replicationDelayMs || nowMs < match.startMs) throw aadsts.invalidSecret(app.appId);
  if (nowMs >= match.endMs) throw aadsts.expiredSecret(app.appId);
  return match.keyId;
}

async function checkAssertion(app: ApplicationRecord, assertion: string, clientId: string, audiences: string[], nowMs: number): Promise<string> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw aadsts.assertionInvalidSignature('The client assertion is not a valid JWT.');
  }
  const thumbS256 = header['x5t#S256'];
  const cert = app.certificates.find((c) => (typeof thumbS256 === 'string' && c.x5tS256 === thumbS256) || (header.x5t !== undefined && c.x5t === header.x5t));
  if (!cert) throw aadsts.assertionInvalidSignature(`The key was not found. Thumbprint of key used by client: '${String(thumbS256 ?? header.x5t)}'.`);
  if (nowMs >= cert.endMs || nowMs < cert.startMs) throw aadsts.assertionInvalidSignature('The key used is expired.');
  try {
    const { payload } = await jwtVerify(assertion, cert.publicKey, { algorithms: ['RS256', 'PS256'], currentDate: new Date(nowMs), clockTolerance: 300 });
    if (payload.iss !== clientId || payload.sub !== clientId) throw aadsts.assertionInvalidSignature('The assertion issuer and subject must be the client id.');
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => typeof a === 'string' && audiences.includes(a))) throw aadsts.assertionAudience(payload.aud);
    return cert.keyId;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired || (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf')) throw aadsts.assertionExpired();
    if (err instanceof joseErrors.JOSEError) throw aadsts.assertionInvalidSignature(err.message);
    throw err;
  }
}

function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
  if (!authorization?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
}
