import type { PolicyFactory, PolicyHandler } from '../../pipeline/policy.ts';
import type { RequestContext } from '../../pipeline/context.ts';
import { applyLimit } from '../../pipeline/limit.ts';
import { policyItem } from '../../rate-limit/headers.ts';
import { rateLimitConfigSchema, type RateLimitConfig } from './schema.ts';

/**
 * `rate-limit`: an API-wide limit (all clients together). Counted in the gateway's RateLimitStore under a key
 * per API and policy position. If the store fails, calls are denied 503 RATE_LIMIT_UNAVAILABLE (fail closed).
 */
export const rateLimitPolicy: PolicyFactory<RateLimitConfig> = {
  type: 'rate-limit',
  phase: 'limit',
  schema: rateLimitConfigSchema,
  create(config, deps): PolicyHandler {
    const key = `api:${deps.api.id}:${deps.index}`;
    const windowMs = config.windowSeconds * 1000;
    const item = policyItem('api', config.requests, config.windowSeconds);
    const { rateLimitStore } = deps;
    return (ctx: RequestContext) => applyLimit(ctx, rateLimitStore, key, config.requests, windowMs, 'api', item, config.whenStoreUnavailable);
  },
};
