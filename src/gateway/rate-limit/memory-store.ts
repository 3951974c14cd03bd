import type { RateLimitResult, RateLimitStore } from './store.ts';

interface Counter {
  windowStart: number;
  windowMs: number;
  count: number;
}

export interface MemoryRateLimitStoreOptions {
  /** Upper bound on tracked keys; when full, the oldest key is dropped (its caller gets a fresh window). */
  maxKeys?: number;
}

/**
 * Fixed-window counters in a Map. Memory stays bounded: counters whose window has ended are swept at most once
 * per second, and `maxKeys` caps the map. Keys are per contract or per API, so the cap is only reached under
 * misuse; dropping the oldest key then errs towards letting a call through rather than growing without bound.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly counters = new Map<string, Counter>();
  private readonly maxKeys: number;
  private nextSweepAt = 0;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  get size(): number {
    return this.counters.size;
  }

  hit(key: string, limit: number, windowMs: number, now: number): RateLimitResult {
    if (now >= this.nextSweepAt) this.sweep(now);
    const windowStart = now - (now % windowMs);
    let counter = this.counters.get(key);
    if (counter === undefined) {
      if (this.counters.size >= this.maxKeys) this.dropOldest();
      counter = { windowStart, windowMs, count: 0 };
      this.counters.set(key, counter);
    } else if (counter.windowStart !== windowStart || counter.windowMs !== windowMs) {
      counter.windowStart = windowStart;
      counter.windowMs = windowMs;
      counter.count = 0;
    }
    const resetMs = windowStart + windowMs - now;
    if (counter.count >= limit) return { allowed: false, remaining: 0, resetMs, limit };
    counter.count++;
    return { allowed: true, remaining: limit - counter.count, resetMs, limit };
  }

  private sweep(now: number): void {
    this.nextSweepAt = now + 1000;
    for (const [key, c] of this.counters) {
      if (c.windowStart + c.windowMs <= now) this.counters.delete(key);
    }
  }

  private dropOldest(): void {
    const oldest = this.counters.keys().next();
    if (!oldest.done) this.counters.delete(oldest.value);
  }

  async close(): Promise<void> {
    this.counters.clear();
  }
}
