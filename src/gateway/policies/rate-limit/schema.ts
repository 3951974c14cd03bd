import { z } from 'zod';

/**
 * `rate-limit` policy config: at most `requests` calls per `windowSeconds` to this API in total (all clients
 * together), on top of each contract's tier limit. It protects the upstream; per-client fairness is the tier's job.
 */
export const rateLimitConfigSchema = z.object({
  requests: z.number().int().min(1).max(1_000_000_000),
  windowSeconds: z.number().int().min(1).max(31 * 24 * 3600),
  /** When the counter store (Redis) is unreachable: 'deny' (503 RATE_LIMIT_UNAVAILABLE, default) or 'allow' (fail open). */
  whenStoreUnavailable: z.enum(['deny', 'allow']).default('deny'),
}).strict();

export type RateLimitConfig = z.infer<typeof rateLimitConfigSchema>;
