import type { RequestContext } from './context.ts';
import { deny, type Denial } from './denial.ts';
import type { PolicyResult } from './policy.ts';
import type { RateLimitResult, RateLimitStore } from '../rate-limit/store.ts';
import { resetSeconds } from '../rate-limit/headers.ts';

const UNAVAILABLE = deny('RATE_LIMIT_UNAVAILABLE', 'Rate limiting is unavailable; try again shortly.', { headers: { 'retry-after': '1' } });

/**
 * Counts one call against a limit and records the outcome for the RateLimit headers. Shared by the tier limit
 * and the `rate-limit` policy. Synchronous when the store is (in-memory); a failing store denies (fail closed).
 */
export function applyLimit(
  ctx: RequestContext, store: RateLimitStore, key: string, limit: number, windowMs: number, name: string, policyItem: string,
  /** 'allow' = let the call through when the store fails (fail open). The tier limit always denies. */
  whenStoreUnavailable: 'deny' | 'allow' = 'deny',
): PolicyResult | Promise<PolicyResult> {
  const unavailable = whenStoreUnavailable === 'allow' ? undefined : UNAVAILABLE;
  let result: RateLimitResult | Promise<RateLimitResult>;
  try {
    result = store.hit(key, limit, windowMs, ctx.now);
  } catch {
    return unavailable;
  }
  if (result instanceof Promise) {
    return result.then((r) => settle(ctx, r, name, policyItem), () => unavailable);
  }
  return settle(ctx, result, name, policyItem);
}

function settle(ctx: RequestContext, result: RateLimitResult, name: string, policyItem: string): Denial | undefined {
  ctx.addRateLimit({ name, policyItem, result });
  if (result.allowed) return undefined;
  const seconds = resetSeconds(result.resetMs);
  return {
    status: 429,
    reason: 'RATE_LIMITED',
    description: `Rate limit "${name}" exceeded; retry in ${seconds} s.`,
    headers: {
      'retry-after': String(seconds),
      'ratelimit-policy': policyItem,
      'ratelimit': `"${name}";r=0;t=${seconds}`,
    },
  };
}
