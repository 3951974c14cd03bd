import { createHash, createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SignJWT } from 'jose';

/**
 * The certificate half of the platform app's self-roll: a fresh key pair with a self-signed certificate, and the
 * proof-of-possession JWT Graph's addKey/removeKey demand (reference/entra-graph.md §2.4).
 */

/** Audience of a proof-of-possession token: the (legacy) Azure AD Graph resource id, as Entra documents it. */
export const POP_AUDIENCE = '00000002-0000-0000-c000-000000000000';
/** Entra refuses proofs that live longer than 10 minutes. */
export const POP_LIFETIME_SECONDS = 600;

export interface GeneratedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Base64 DER, what keyCredential.key carries. */
  derBase64: string;
  notBefore: number;
  notAfter: number;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

/** RSA 2048 / SHA-256 (what Entra accepts for client assertions), valid from `notBefore` (a little in the past for clock skew). */
export async function generateSelfSignedCertificate(input: { subject: string; notBefore: number; notAfter: number }): Promise<GeneratedCertificate> {
  const crypto = webcrypto;
  const keys = await crypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${input.subject.replace(/[,=+<>#;"\\]/g, '-')}`,
    notBefore: new Date(input.notBefore),
    notAfter: new Date(input.notAfter),
    signingAlgorithm: RSA,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  }, crypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1]);
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  const certificatePem = cert.toString('pem');
  const parsed = new X509Certificate(certificatePem);
  return {
    certificatePem, privateKeyPem, derBase64: parsed.raw.toString('base64'),
    notBefore: Date.parse(parsed.validFrom), notAfter: Date.parse(parsed.validTo),
  };
}

/**
 * The proof that we hold the private key of a certificate already on the application: signed with that key,
 * `iss` = the application's object id (not its appId), `aud` = POP_AUDIENCE, nbf..exp = 10 minutes.
 */
export async function signProofOfPossession(input: { objectId: string; certificatePem: string; privateKeyPem: string; now: number }): Promise<string> {
  const nbf = Math.floor(input.now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: certificateThumbprint(input.certificatePem).toString('base64url') })
    .setIssuer(input.objectId)
    .setAudience(POP_AUDIENCE)
    .setNotBefore(nbf)
    .setExpirationTime(nbf + POP_LIFETIME_SECONDS)
    .sign(createPrivateKey(input.privateKeyPem));
}

/** SHA-1 of the DER certificate: Entra's customKeyIdentifier and the `x5t` it matches assertions on. */
export function certificateThumbprint(certificatePem: string): Buffer {
  return createHash('sha1').update(new X509Certificate(certificatePem).raw).digest();
}

/** True when a keyCredential's customKeyIdentifier (base64 or base64url of the SHA-1, or its hex) names this certificate. */
export function thumbprintMatches(customKeyIdentifier: string | null | undefined, thumbprint: Buffer): boolean {
  if (!customKeyIdentifier) return false;
  const hex = thumbprint.toString('hex');
  if (customKeyIdentifier.toLowerCase() === hex) return true;
  const decoded = Buffer.from(customKeyIdentifier.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return decoded.equals(thumbprint);
}
