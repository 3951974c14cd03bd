import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

export interface TestCertificate {
  /** base64url DER, as Graph's keyCredential.key (Edm.Binary). */
  keyB64: string;
  certPem: string;
  privateKeyPem: string;
  privateKey: ReturnType<typeof createPrivateKey>;
  thumbprintSha1Hex: string;
  thumbprintSha256Hex: string;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

/** A self-signed client certificate, as an app would upload to its registration. */
export async function makeCertificate(cn = 'client'): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: `CN=${cn}`, notBefore: new Date(Date.now() - 3600_000), notAfter: new Date(Date.now() + 365 * 24 * 3600_000), signingAlgorithm: RSA, keys,
  });
  const der = Buffer.from(cert.rawData);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END PRIVATE KEY-----\n`;
  return {
    keyB64: der.toString('base64url'),
    certPem: cert.toString('pem'),
    privateKeyPem,
    privateKey: createPrivateKey(privateKeyPem),
    thumbprintSha1Hex: createHash('sha1').update(der).digest('hex'),
    thumbprintSha256Hex: createHash('sha256').update(der).digest('hex'),
  };
}
