import { createHash, webcrypto } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { exportJWK, importJWK, type JWK } from 'jose';

type CryptoKey = webcrypto.CryptoKey;

/**
 * The token-signing keys. Entra publishes more than one key at all times (the active one and the next one), rolls
 * them without notice and can roll in an emergency; relying parties must cope. Keys are shared by all tenants, as
 * in Entra, and kept in the data folder so tokens stay verifiable across restarts.
 */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  certB64: string;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  certB64: string;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

export class SigningKeyRing {
  /** Keys generated ahead of time (RSA generation takes up to a second), so a rotation answers at once. */
  private spares: Promise<SigningKey>[] = [];

  private constructor(
    private keys: SigningKey[],
    private activeKid: string,
    private readonly file: string | undefined,
  ) {}

  static async open(dataDir: string | undefined): Promise<SigningKeyRing> {
    const file = dataDir ? join(dataDir, 'signing-keys.json') : undefined;
    if (file && existsSync(file)) {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { activeKid: string; keys: StoredKey[] };
      const keys = await Promise.all(stored.keys.map(fromStored));
      return new SigningKeyRing(keys, stored.activeKid, file);
    }
    const keys = await Promise.all([newKey(), newKey()]);
    const ring = new SigningKeyRing(keys, keys[0]!.kid, file);
    await ring.save();
    return ring;
  }

  private nextKey(): Promise<SigningKey> {
    const key = this.spares.shift() ?? newKey();
    while (this.spares.length < 2) this.spares.push(newKey());
    return key;
  }

  /** The key new tokens are signed with. */
  active(): SigningKey {
    return this.keys.find((k) => k.kid === this.activeKid)!;
  }

  published(): SigningKey[] {
    return [...this.keys];
  }

  find(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  /**
   * Planned roll: the standby key becomes active, a new standby is published, and the previous active key stays
   * published so tokens it signed keep verifying. Emergency roll: every old key disappears at once.
   */
  async rotate(options: { emergency?: boolean } = {}): Promise<{ activeKid: string; publishedKids: string[] }> {
    if (options.emergency) {
      const fresh = await Promise.all([this.nextKey(), this.nextKey()]);
      this.keys = fresh;
      this.activeKid = fresh[0]!.kid;
    } else {
      const index = this.keys.findIndex((k) => k.kid === this.activeKid);
      const standby = this.keys[index + 1] ?? (await this.nextKey());
      if (!this.keys.includes(standby)) this.keys.push(standby);
      const previous = this.keys[index]!;
      this.activeKid = standby.kid;
      this.keys = [previous, standby, await this.nextKey()];
    }
    await this.save();
    return { activeKid: this.activeKid, publishedKids: this.keys.map((k) => k.kid) };
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    const keys: StoredKey[] = await Promise.all(
      this.keys.map(async (k) => ({ kid: k.kid, privateJwk: await exportJWK(k.privateKey), certB64: k.certB64 })),
    );
    // Write-then-rename so a second emulator sharing the data folder never reads a half-written file.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ activeKid: this.activeKid, keys }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

async function newKey(): Promise<SigningKey> {
  const pair = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^./, '1'),
    name: 'CN=accounts.accesscontrol.windows.net',
    notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    notAfter: new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000),
    signingAlgorithm: RSA,
    keys: pair,
  });
  const der = Buffer.from(cert.rawData);
  const kid = createHash('sha1').update(der).digest('base64url');
  const publicJwk = await exportJWK(pair.publicKey);
  return { kid, privateKey: pair.privateKey, publicKey: pair.publicKey, publicJwk, certB64: der.toString('base64') };
}

async function fromStored(stored: StoredKey): Promise<SigningKey> {
  const privateKey = (await importJWK({ ...stored.privateJwk, alg: 'RS256' }, 'RS256', { extractable: true })) as CryptoKey;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = stored.privateJwk;
  const publicKey = (await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  return { kid: stored.kid, privateKey, publicKey, publicJwk, certB64: stored.certB64 };
}
