import type { Application, KeyCredential } from '@microsoft/microsoft-graph-types';
import type { Clock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import type { CheckFinding, CredentialMetadata } from '../../core/ports/identity.ts';
import { secretHint } from '../../core/secrets.ts';
import { credentialsOf, EntraIdentityProvider } from './adapter.ts';
import type { EntraPlatformCredential } from './config.ts';
import {
  certificateThumbprint, signProofOfPossession, thumbprintMatches, type GeneratedCertificate,
} from './self-rotation-certificate.ts';

/**
 * Graph calls the platform app makes on its *own* application object (reference/entra-graph.md §2.3, §2.4):
 * read its credentials and owners, roll a certificate with addKey/removeKey (proof of possession, no permission
 * needed), or a secret with addPassword/removePassword (only when its service principal owns its application).
 */

export interface SelfCredential extends CredentialMetadata {
  /** True for the credential this adapter authenticates with. */
  inUse: boolean;
  /** Certificates: SHA-1 thumbprint (hex) from customKeyIdentifier, when Graph gives it. */
  thumbprint: string | null;
}

export interface SelfApplication {
  objectId: string;
  /** The platform app's service principal (`oid` of its token). */
  principalId: string | null;
  credentials: SelfCredential[];
  /** Whether the service principal is an owner of its own application (needed to add/remove its own secrets). */
  ownsItself: boolean;
}

type Platform = Pick<EntraIdentityProvider, 'graph' | 'config' | 'platformCredential' | 'token' | 'endpoints'>;

/** Null when the platform app may not read its own application object (403/404 under OwnedBy in some tenants). */
export async function readSelfApplication(p: Platform): Promise<SelfApplication | null> {
  const res = await p.graph.request<Application>({
    method: 'GET', path: `/applications(appId='${p.config.clientId}')?$select=id,passwordCredentials,keyCredentials`,
    operation: 'read the platform app\'s own application', accept: [403, 404],
  });
  if (res.status !== 200) return null;
  const app = res.body;
  const principalId = (await p.token()).principalId;
  const owners = await p.graph.request<{ value: { id: string }[] }>({
    method: 'GET', path: `/applications/${app.id}/owners?$select=id`, operation: 'read the owners of the platform app', accept: [403, 404],
  });
  const ownsItself = owners.status === 200 && principalId !== null && owners.body.value.some((o) => o.id === principalId);
  return { objectId: app.id!, principalId, credentials: markInUse(app, p.platformCredential), ownsItself };
}

function markInUse(app: Application, credential: EntraPlatformCredential): SelfCredential[] {
  const keys = app.keyCredentials ?? [];
  const all = credentialsOf(app).map((c) => ({
    ...c, inUse: false,
    thumbprint: c.kind === 'certificate' ? thumbprintHex(keys.find((k) => k.keyId === c.keyId)?.customKeyIdentifier as string | undefined) : null,
  }));
  if (credential.type === 'certificate') {
    const thumb = certificateThumbprint(credential.certificatePem);
    const mine = keys.find((k: KeyCredential) => thumbprintMatches(k.customKeyIdentifier as string | null | undefined, thumb));
    return all.map((c) => ({ ...c, inUse: c.kind === 'certificate' && c.keyId === mine?.keyId }));
  }
  // Entra keeps only the first 3 characters of a secret: the hint identifies ours unless another shares it.
  const hint = secretHint(credential.clientSecret);
  const candidates = all.filter((c) => c.kind === 'secret' && c.hint === hint);
  return all.map((c) => ({ ...c, inUse: candidates.length === 1 && c === candidates[0] }));
}

function thumbprintHex(customKeyIdentifier: string | undefined): string | null {
  if (!customKeyIdentifier) return null;
  if (/^[0-9a-f]{40}$/i.test(customKeyIdentifier)) return customKeyIdentifier.toLowerCase();
  const bytes = Buffer.from(customKeyIdentifier.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 20 ? bytes.toString('hex') : null;
}

/** The exact one-time admin step that lets the platform app rotate its own secret. */
export function selfOwnershipInstructions(graphBaseUrl: string, objectId: string, principalId: string | null): string {
  const sp = principalId ?? '{servicePrincipalId}';
  return `An admin (Application Administrator or Application.ReadWrite.All) must once run: POST ${graphBaseUrl}/applications/${objectId}/owners/$ref ` +
    `with body {"@odata.id":"${graphBaseUrl}/directoryObjects/${sp}"} (the platform app's service principal as owner of its own application). ` +
    'Alternatively switch the provider to a certificate: certificates self-roll with proof of possession and need no ownership. ' +
    'Note: ownership lets a stolen platform credential mint replacement credentials, so protect the master key.';
}

export interface ProofKey {
  certificatePem: string;
  privateKeyPem: string;
}

/** addKey with a proof signed by `proof` (a certificate currently valid on the application). Returns the new key's metadata. */
export async function addKeyToSelf(p: Platform, clock: Clock, objectId: string, cert: GeneratedCertificate, displayName: string, proof: ProofKey): Promise<{ keyId: string; expiresAt: number }> {
  const jwt = await signProofOfPossession({ objectId, ...proof, now: clock.now() });
  const res = await p.graph.request<KeyCredential>({
    method: 'POST', path: `/applications/${objectId}/addKey`, operation: 'add a certificate to the platform app (addKey)',
    body: { keyCredential: { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.derBase64, displayName }, passwordCredential: null, proof: jwt },
  });
  if (!res.body?.keyId) throw new GatehouseError('IDP_REJECTED', 'Microsoft Graph accepted addKey but returned no key id.', { idpCode: 'NoKeyId' });
  return { keyId: res.body.keyId, expiresAt: res.body.endDateTime ? Date.parse(res.body.endDateTime) : cert.notAfter };
}

/** removeKey; an already-removed key (404) counts as done. */
export async function removeKeyFromSelf(p: Platform, clock: Clock, objectId: string, keyId: string, proof: ProofKey): Promise<void> {
  const jwt = await signProofOfPossession({ objectId, ...proof, now: clock.now() });
  await p.graph.request({
    method: 'POST', path: `/applications/${objectId}/removeKey`, operation: 'remove a certificate from the platform app (removeKey)',
    body: { keyId, proof: jwt }, accept: [404],
  });
}

export interface VerifyOptions {
  /** Attempts before giving up: a new credential can take a few seconds to reach every STS replica (default 6). */
  attempts?: number;
  delayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Proves a credential works by acquiring a Graph token with it through a fresh adapter (no token cache shared). */
export async function verifyPlatformCredential(
  p: Pick<EntraIdentityProvider, 'config'>, credential: EntraPlatformCredential, providerLabel: string, options: VerifyOptions = {},
): Promise<void> {
  const attempts = Math.max(1, options.attempts ?? 6);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const probe = new EntraIdentityProvider({ config: p.config, credential, providerLabel });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await probe.token(true);
        return;
      } catch (e) {
        if (attempt >= attempts) throw e;
        await sleep(options.delayMs ?? 5_000);
      }
    }
  } finally {
    await probe.close();
  }
}

/**
 * The doctor's `credential.self-rotation` finding: whether `gatehouse provider rotate-credential` can work, and if
 * not, the exact setup step. Never throws; null when the token step already failed.
 */
export async function selfRotationFinding(p: EntraIdentityProvider): Promise<CheckFinding | null> {
  let self: SelfApplication | null;
  try {
    self = await readSelfApplication(p);
  } catch {
    return null;
  }
  const check = 'credential.self-rotation';
  const graph = p.endpoints.graphBaseUrl;
  if (!self) {
    return { check, severity: 'info', message: 'The platform app cannot read its own application object, so Gatehouse cannot track or roll its credential.',
      hint: selfOwnershipInstructions(graph, '{applicationObjectId}', null) };
  }
  if (p.platformCredential.type === 'certificate') {
    return self.credentials.some((c) => c.inUse)
      ? { check, severity: 'ok', message: 'The platform certificate can roll itself (addKey/removeKey with proof of possession): `gatehouse provider rotate-credential`.' }
      : { check, severity: 'warning', message: 'The certificate Gatehouse signs in with is not among the application\'s keyCredentials, so it cannot prove possession to roll it.',
          hint: 'Upload the certificate in Entra admin center → App registrations → Certificates & secrets, or store the one registered there.' };
  }
  return self.ownsItself
    ? { check, severity: 'ok', message: 'The platform app owns its own application, so Gatehouse can rotate its secret: `gatehouse provider rotate-credential`.' }
    : { check, severity: 'info', idpCode: 'NotOwnerOfSelf',
        message: 'Gatehouse cannot rotate the platform secret itself: the platform app\'s service principal does not own its own application.',
        hint: selfOwnershipInstructions(graph, self.objectId, self.principalId) };
}
