import type { RequestContext } from './context.ts';
import type { PolicyHandler } from './policy.ts';
import type { RateLimitStore } from '../rate-limit/store.ts';
import { applyLimit } from './limit.ts';

/** The contract's tier limit: `tier.limit.requests` per `tier.limit.windowSeconds`, one counter per contract. */
export function tierLimit(store: RateLimitStore): PolicyHandler {
  return (ctx: RequestContext) => {
    const grant = ctx.grant!;
    return applyLimit(ctx, store, grant.limitKey, grant.tier.limit.requests, grant.windowMs, 'tier', grant.policyItem);
  };
}
