import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_CHARS = ALNUM + '._~-';

/**
 * Entra's current client secret format: 40 characters from [A-Za-z0-9._~-] with the `Q~` marker at positions 4-6
 * (e.g. `abc8Q~…`). Programs that scan for leaked secrets rely on that marker, so the emulator keeps it.
 */
export function generateClientSecret(): string {
  return pick(ALNUM, 3) + '8Q~' + pick(SECRET_CHARS, 34);
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

export function clientSecretMatches(presented: string, hash: string): boolean {
  const a = Buffer.from(hashClientSecret(presented));
  const b = Buffer.from(hash);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newGuid(): string {
  return randomUUID();
}

function pick(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}
