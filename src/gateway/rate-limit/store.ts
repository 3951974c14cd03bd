/**
 * Counters behind the tier limit and the `rate-limit` policy. The in-memory store (memory-store.ts) serves one
 * gateway process; a Redis store will share counters between processes and implements the same port.
 *
 * Semantics every implementation keeps: fixed windows aligned to multiples of `windowMs` since the epoch (so
 * every process and the Redis store agree on window edges); a call counts against the window that contains
 * `now`; a denied call is not counted.
 */
export interface RateLimitStore {
  /**
   * Counts one call for `key` if it fits in `limit` per `windowMs`. May return synchronously (in-memory) or a
   * Promise (networked). Throwing / rejecting means "store unavailable": callers fail closed.
   */
  hit(key: string, limit: number, windowMs: number, now: number): RateLimitResult | Promise<RateLimitResult>;
  close?(): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Calls left in the current window after this one (0 when denied). */
  remaining: number;
  /** Milliseconds until the current window ends and the counter resets. */
  resetMs: number;
  limit: number;
}

/** A result tagged with the policy it came from, for the RateLimit response headers. */
export interface RateLimitOutcome {
  /** Policy name as it appears in `RateLimit-Policy`, e.g. `tier` or `api`. */
  name: string;
  /** Precomputed `RateLimit-Policy` list item, e.g. `"tier";q=100;w=60`. */
  policyItem: string;
  result: RateLimitResult;
}
