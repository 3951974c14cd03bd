import { createHash } from 'node:crypto';
import type { Clock } from '../../../core/clock.ts';

/**
 * Verified tokens, so a client repeating the same token skips signature work. Keyed by the SHA-256 of the token
 * (the token itself is never held as a key), bounded (least recently used goes first), and an entry dies at the
 * token's `exp` or after `maxTtlMs`, whichever comes first; the cap bounds how long a token signed by a key the
 * IdP has since withdrawn (emergency roll) keeps passing.
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
    private readonly maxTtlMs = 300_000,
  ) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key); // re-insert: Map order is our recency order
    this.entries.set(key, entry);
    return entry.value;
  }

  /** `expSeconds` is the token's `exp` claim. */
  set(key: string, value: V, expSeconds: number): void {
    const expiresAt = Math.min(expSeconds * 1000, this.clock.now() + this.maxTtlMs);
    if (expiresAt <= this.clock.now() || this.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
