import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import { isId, newId } from '../../core/ids.ts';
import type { LifecycleStore } from '../../core/ports/lifecycle.ts';

/**
 * One-time delivery links for secrets. The secret is encrypted with AES-256-GCM under a fresh random key that is
 * NOT stored: it travels only in the link (`?key=`). The database holds ciphertext that nobody can read without
 * the link, and erases it on first fetch or at expiry. A wrong key, a used link, an expired link and an unknown
 * id all answer the same NOT_FOUND, so the endpoint is no oracle; a wrong key does not burn the link (the key has
 * 256 bits: guessing is not an attack, and burning would let anyone who sees the id destroy the delivery).
 */
export const DEFAULT_DELIVERY_TTL_MS = 72 * 3_600_000;

export interface SecretDeliveryLink {
  id: string;
  /** base64url, 32 bytes. Shown once, inside `path`. */
  key: string;
  /** `/v1/deliveries/{id}?key={key}`: append to the management API's public base URL. */
  path: string;
  expiresAt: number;
}

export async function createSecretDelivery(
  deps: { lifecycleStore: LifecycleStore; clock: Clock },
  input: { appId: string; credentialId: string; secret: string; ttlMs?: number },
): Promise<SecretDeliveryLink> {
  const now = deps.clock.now();
  const id = newId('delivery', now);
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(id, 'utf8')); // binds the ciphertext to its row
  const ciphertext = Buffer.concat([cipher.update(input.secret, 'utf8'), cipher.final()]);
  const sealed = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url')).join('.');
  const expiresAt = now + (input.ttlMs ?? DEFAULT_DELIVERY_TTL_MS);
  await deps.lifecycleStore.insertSecretDelivery({
    id, appId: input.appId, credentialId: input.credentialId, ciphertext: sealed, createdAt: now, expiresAt, fetchedAt: null,
  });
  const keyText = key.toString('base64url');
  return { id, key: keyText, path: `/v1/deliveries/${id}?key=${keyText}`, expiresAt };
}

export interface FetchedSecret {
  appId: string;
  credentialId: string;
  secret: string;
}

/** Backs `GET /v1/deliveries/{id}?key=…`: returns the secret once, then never again. */
export async function fetchSecretDelivery(deps: { lifecycleStore: LifecycleStore; clock: Clock }, id: string, key: string): Promise<FetchedSecret> {
  const gone = () => new GatehouseError('NOT_FOUND', 'This delivery link is unknown, expired or already used.', { kind: 'delivery' });
  if (!isId('delivery', id) || !/^[A-Za-z0-9_-]{43}$/.test(key)) throw gone();
  const now = deps.clock.now();
  const record = await deps.lifecycleStore.getSecretDelivery(id);
  if (!record || record.fetchedAt !== null || record.expiresAt <= now || !record.ciphertext) throw gone();
  let secret: string;
  try {
    const [iv, tag, ct] = record.ciphertext.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64url'), iv!);
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(tag!);
    secret = Buffer.concat([decipher.update(ct!), decipher.final()]).toString('utf8');
  } catch {
    throw gone();
  }
  // Only the caller whose compare-and-set wins gets the secret, even if two fetch at the same moment.
  if (!(await deps.lifecycleStore.consumeSecretDelivery(id, now))) throw gone();
  return { appId: record.appId, credentialId: record.credentialId, secret };
}
