import type { RateLimitStore } from '../../gateway/index.ts';
import { RedisRateLimitStore } from '../../gateway/rate-limit/redis-store.ts';
import { usageError } from '../errors.ts';

/**
 * The gateway's rate-limit counters: in memory (one process) unless `--redis-url` / GATEHOUSE_REDIS_URL points every
 * gateway at the same Redis, so a tier's limit holds across all of them. A configured Redis that cannot be reached at
 * start stops the start (GATEHOUSE_REDIS_KEY_PREFIX, default `gatehouse:rl:`, separates deployments sharing one Redis): serving with per-process counters would silently multiply every limit by the node count.
 * At run time an outage is the policy's call (fail closed by default).
 */
export async function rateLimitStoreFrom(redisUrl: string | undefined, keyPrefix?: string): Promise<RateLimitStore | undefined> {
  const url = redisUrl?.trim();
  if (!url) return undefined;
  if (!/^rediss?:\/\/[^/]/.test(url)) throw usageError('GATEHOUSE_REDIS_URL must be redis://host:port or rediss://host:port');
  const store = new RedisRateLimitStore({ redis: url, ...(keyPrefix ? { keyPrefix } : {}) });
  try {
    await store.ready(5_000);
  } catch {
    await store.close();
    // The URL may carry a password: name the host only.
    throw usageError(`cannot reach Redis at ${new URL(url).host} for shared rate limits (GATEHOUSE_REDIS_URL); start it, or unset the variable to count in memory`);
  }
  return store;
}
