import type { Page } from '../core/ports/store.ts';

/**
 * Domain → JSON: epoch-ms times become ISO 8601 strings (null stays null), and secret-bearing fields are dropped
 * at every depth (audit before/after snapshots included), so no handler can leak one by forgetting.
 */
const TIME_KEYS = new Set(['createdAt', 'updatedAt', 'expiresAt', 'retireAt', 'removedAt', 'lastUsedAt', 'revokedAt', 'at', 'minute', 'lastSeenAt', 'runAt', 'lockedUntil', 'generatedAt', 'startedAt', 'finishedAt', 'checkedAt', 'credentialExpiresAt']);
const SECRET_KEYS = new Set(['secretHash', 'secretCiphertext', 'tokenHash']);

export function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEYS.has(key)) continue;
    out[key] = TIME_KEYS.has(key) && typeof v === 'number' ? new Date(v).toISOString() : toWire(v);
  }
  return out;
}

export function pageToWire<T>(page: Page<T>): { items: unknown[]; nextCursor: string | null } {
  return { items: page.items.map(toWire), nextCursor: page.nextCursor };
}

/** ISO 8601 query value → epoch ms (the schema has already checked the format). */
export const fromIso = (value: string | undefined): number | undefined => (value === undefined ? undefined : Date.parse(value));
