import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GatehouseError } from '../core/errors.ts';

/**
 * Encryption at rest for provider credentials and one-time secret deliveries: AES-256-GCM with a 32-byte master key.
 *
 * Ciphertext format (text, safe in any column): `v1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url parts), where keyId is
 * the first 8 hex chars of SHA-256(master key). The key id lets a wrong key be reported as such instead of as
 * "tampered". `context` (e.g. the provider id) is bound as additional authenticated data, so a ciphertext copied onto
 * another row does not decrypt.
 */
export interface Vault {
  /** Short fingerprint of the master key (never the key). */
  readonly keyId: string;
  encrypt(plaintext: string, context?: string): string;
  /** Throws VALIDATION_FAILED for a malformed value, INTERNAL with a clear detail for a wrong key or tampering. */
  decrypt(ciphertext: string, context?: string): string;
}

export const MASTER_KEY_ENV = 'GATEHOUSE_MASTER_KEY';
export const DEFAULT_KEY_FILE = './data/master.key';

const VERSION = 'v1';

export function vaultFromKey(key: Buffer): Vault {
  if (key.length !== 32) throw new GatehouseError('VALIDATION_FAILED', 'The master key must be exactly 32 bytes.');
  const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return {
    keyId,
    encrypt(plaintext, context = '') {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join(':');
    },
    decrypt(value, context = '') {
      const parts = value.split(':');
      if (parts.length !== 5 || parts[0] !== VERSION) {
        throw new GatehouseError('VALIDATION_FAILED', 'Not a Gatehouse ciphertext (expected "v1:…").');
      }
      const [, valueKeyId, iv, body, tag] = parts as [string, string, string, string, string];
      if (valueKeyId !== keyId) {
        throw new GatehouseError('INTERNAL',
          `This value was encrypted with a different master key (key id ${valueKeyId}; the current key is ${keyId}). ` +
          `Start Gatehouse with the master key it was encrypted with (${MASTER_KEY_ENV} or the key file), or re-enter the credential.`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new GatehouseError('INTERNAL',
          'An encrypted value failed its integrity check: it was altered, truncated or moved to another record. Re-enter the credential.');
      }
    },
  };
}

/** Parses a master key given as 64 hex chars or base64/base64url of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, /[-_]/.test(t) ? 'base64url' : 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(t) && !/^[A-Za-z0-9+/_-]{43}=?$/.test(t))) {
    throw new GatehouseError('VALIDATION_FAILED',
      `${MASTER_KEY_ENV} must be 32 bytes, written as 64 hex characters or 44 base64 characters ` +
      '(generate one with `openssl rand -base64 32`).');
  }
  return key;
}

export interface OpenVaultOptions {
  env?: Record<string, string | undefined>;
  /** Key file used when the env variable is unset; created (mode 0600) on first start. Default ./data/master.key. */
  keyFile?: string;
}

/** The master key from GATEHOUSE_MASTER_KEY, else from the key file, which is created with mode 0600 if missing. */
export function openVault(options: OpenVaultOptions = {}): Vault {
  const env = options.env ?? process.env;
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv) return vaultFromKey(parseMasterKey(fromEnv));
  return vaultFromKey(loadOrCreateKeyFile(options.keyFile ?? DEFAULT_KEY_FILE));
}

function loadOrCreateKeyFile(path: string): Buffer {
  try {
    const mode = statSync(path).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new GatehouseError('VALIDATION_FAILED',
        `The master key file ${path} is readable by other users (mode ${mode.toString(8)}). Run: chmod 600 ${path}`);
    }
    return parseMasterKey(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then we read theirs.
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return parseMasterKey(readFileSync(path, 'utf8'));
    throw e;
  }
  try {
    writeSync(fd, key.toString('base64') + '\n');
  } finally {
    closeSync(fd);
  }
  return key;
}
