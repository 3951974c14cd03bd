import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

/** PEM material the HTTPS server needs, plus the CA certificate clients must trust. */
export interface TlsMaterial {
  caCertPem: string;
  caCertPath: string;
  certPem: string;
  keyPem: string;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const FILES = { ca: 'ca.pem', cert: 'leaf.pem', key: 'leaf-key.pem' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * Loads the CA and leaf from `dir`, or creates them on first start. Kept on disk so a client that trusted the CA
 * once (NODE_EXTRA_CA_CERTS) keeps working across restarts.
 */
export async function loadOrCreateTls(dir: string): Promise<TlsMaterial> {
  mkdirSync(dir, { recursive: true });
  const caCertPath = join(dir, FILES.ca);
  const paths = { cert: join(dir, FILES.cert), key: join(dir, FILES.key) };
  if (!existsSync(caCertPath) || !existsSync(paths.cert) || !existsSync(paths.key)) {
    const created = await createCaAndLeaf();
    writeFileSync(caCertPath, created.caCertPem);
    writeFileSync(paths.cert, created.certPem);
    writeFileSync(paths.key, created.keyPem, { mode: 0o600 });
  }
  return {
    caCertPem: readFileSync(caCertPath, 'utf8'),
    caCertPath,
    certPem: readFileSync(paths.cert, 'utf8'),
    keyPem: readFileSync(paths.key, 'utf8'),
  };
}

async function createCaAndLeaf(): Promise<{ caCertPem: string; certPem: string; keyPem: string }> {
  const notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  const notAfter = new Date(Date.now() + TEN_YEARS_MS);
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=Gatehouse Entra Emulator Local CA',
    notBefore,
    notAfter,
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost',
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(Date.now() + 825 * 24 * 3600 * 1000),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return { caCertPem: ca.toString('pem'), certPem: leaf.toString('pem'), keyPem: toPem(pkcs8, 'PRIVATE KEY') };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

export function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
