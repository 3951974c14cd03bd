import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client secrets and API tokens that Gatehouse issues are 256-bit random strings, so a single SHA-256 is a
 * sufficient verifier (no dictionary to attack) and costs ~1 µs on the gateway's hot path, where a slow KDF
 * (scrypt, argon2) would dominate request latency. See docs/decisions.md ("secret hashing").
 */
export function generateSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** `sha256:<base64url>`: the algorithm is part of the stored value so it can change later. */
export function hashSecret(secret: string): string {
  return 'sha256:' + createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time (with respect to the stored value). */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Entra shows the first three characters of a secret as its hint; we do the same for our own secrets. */
export function secretHint(secret: string): string {
  return secret.slice(0, 3);
}
