import type { RateLimitOutcome } from './store.ts';

/**
 * RateLimit headers per draft-ietf-httpapi-ratelimit-headers (structured-field form):
 * `RateLimit-Policy: "tier";q=100;w=60` lists each quota, `RateLimit: "tier";r=42;t=17` gives what is left
 * and the seconds until reset. With several limits, every one is listed, in the order they were applied.
 */
export function policyItem(name: string, requests: number, windowSeconds: number): string {
  return `"${name}";q=${requests};w=${windowSeconds}`;
}

export function setRateLimitHeaders(headers: Record<string, string | string[]>, outcomes: RateLimitOutcome[]): void {
  if (outcomes.length === 1) {
    const o = outcomes[0]!;
    headers['ratelimit-policy'] = o.policyItem;
    headers['ratelimit'] = `"${o.name}";r=${o.result.remaining};t=${resetSeconds(o.result.resetMs)}`;
    return;
  }
  let policy = '';
  let state = '';
  for (const o of outcomes) {
    if (policy) { policy += ', '; state += ', '; }
    policy += o.policyItem;
    state += `"${o.name}";r=${o.result.remaining};t=${resetSeconds(o.result.resetMs)}`;
  }
  headers['ratelimit-policy'] = policy;
  headers['ratelimit'] = state;
}

export function resetSeconds(resetMs: number): number {
  return Math.max(1, Math.ceil(resetMs / 1000));
}
