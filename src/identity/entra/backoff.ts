/**
 * Retry timing for Microsoft Graph. Graph's own guidance: honour `Retry-After` on 429/503, back off exponentially
 * otherwise, and treat a 404 right after a write as replication lag for a bounded window (reference/entra-graph.md §1.6-1.7).
 */
export interface RetryPolicy {
  /** Attempts per request, first included. */
  maxAttempts: number;
  /** First backoff delay; doubles each attempt, with jitter in [50%, 100%]. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry is started that would end after this much time since the first attempt. */
  deadlineMs: number;
  /** How long a 404 / NoBackingApplicationObject is treated as replication lag. */
  consistencyWindowMs: number;
  /** Per-attempt network timeout. */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  deadlineMs: 120_000,
  consistencyWindowMs: 30_000,
  attemptTimeoutMs: 30_000,
};

/** Jittered exponential delay for attempt n (1 = after the first failure). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds; null when absent or unparsable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
