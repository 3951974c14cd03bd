import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { RateLimitResult, RateLimitStore } from './store.ts';

/**
 * Rate-limit counters in Redis, shared by every gateway process that points at the same Redis and key prefix.
 * Same semantics as the memory store (fixed windows aligned to the epoch; denied calls are not counted).
 *
 * One Lua script per check makes read-compare-increment atomic across processes; the window start is part of the
 * key, so each window's counter expires by itself (TTL = rest of the window + 1 s against clock drift).
 *
 * Unreachable Redis: commands fail fast (no offline queue, `commandTimeoutMs`), `hit` rejects, and the calling
 * limit policy applies its own choice (fail closed by default). The client reconnects in the background.
 */
export interface RedisRateLimitStoreOptions {
  /** `redis://…` URL, or an existing client (the store then does not close it). */
  redis: string | Redis;
  /** Prepended to every key; isolates deployments (and tests) sharing one Redis. Default `gatehouse:rl:`. */
  keyPrefix?: string;
  /** Longest a check may wait for Redis before counting as unavailable. Default 250 ms. */
  commandTimeoutMs?: number;
  redisOptions?: RedisOptions;
}

const HIT_SCRIPT = `
local limit = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= limit then return {0, current} end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, current}
`;

type ScriptedRedis = Redis & { gatehouseRateLimitHit(key: string, limit: number, ttlMs: number): Promise<[number, number]> };

export class RedisRateLimitStore implements RateLimitStore {
  private readonly client: ScriptedRedis;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;

  constructor(options: RedisRateLimitStoreOptions) {
    this.keyPrefix = options.keyPrefix ?? 'gatehouse:rl:';
    if (typeof options.redis === 'string') {
      this.client = new Redis(options.redis, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: options.commandTimeoutMs ?? 250,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        lazyConnect: false,
        ...options.redisOptions,
      }) as ScriptedRedis;
      this.ownsClient = true;
      // Errors surface through rejected commands; without a listener ioredis would log every reconnect failure.
      this.client.on('error', () => {});
    } else {
      this.client = options.redis as ScriptedRedis;
      this.ownsClient = false;
    }
    if (typeof this.client.gatehouseRateLimitHit !== 'function') {
      this.client.defineCommand('gatehouseRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    }
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<RateLimitResult> {
    const windowStart = now - (now % windowMs);
    const resetMs = windowStart + windowMs - now;
    const [allowed, count] = await this.client.gatehouseRateLimitHit(`${this.keyPrefix}${key}:${windowStart}`, limit, resetMs + 1000);
    return allowed === 1
      ? { allowed: true, remaining: Math.max(0, limit - count), resetMs, limit }
      : { allowed: false, remaining: 0, resetMs, limit };
  }

  /** Resolves once connected (startup checks and tests); rejects after `timeoutMs`. */
  async ready(timeoutMs = 5000): Promise<void> {
    if (this.client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Redis not ready')), timeoutMs);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.disconnect();
  }
}

/** A prefix no other run uses, for tests sharing one Redis. */
export const randomKeyPrefix = (label = 'test'): string => `gatehouse:${label}:${randomUUID()}:`;
