import type { FaultConfig, FaultScope } from './config.ts';
import { seededRandom } from './prng.ts';

export type TransportFault = { kind: 'drop' } | { kind: 'fail'; status: 503 | 504 } | { kind: 'none' };

interface Bucket {
  windowStartMs: number;
  used: number;
}

/** The live fault state: config plus the counters and PRNG that make it deterministic. */
export class Faults {
  private config: FaultConfig = {};
  private random = seededRandom(0);
  private counts: Record<FaultScope, number> = { graph: 0, sts: 0 };
  private buckets = new Map<string, Bucket>();

  set(config: FaultConfig): void {
    this.config = { ...config };
    this.random = seededRandom(config.seed ?? 1);
    this.counts = { graph: 0, sts: 0 };
    this.buckets.clear();
  }

  clear(): void {
    this.set({});
  }

  current(): FaultConfig {
    return { ...this.config };
  }

  get replicationDelayMs(): number {
    return this.config.replicationDelayMs ?? 0;
  }

  get slowMs(): number {
    return this.config.slowMs ?? 0;
  }

  applies(scope: FaultScope): boolean {
    return (this.config.scope ?? ['graph']).includes(scope);
  }

  /** Decides, for one request, whether its connection is dropped or it fails with 503/504. */
  transport(scope: FaultScope): TransportFault {
    if (!this.applies(scope)) return { kind: 'none' };
    const count = ++this.counts[scope];
    const every = this.config.dropConnectionEvery ?? 0;
    if (every > 0 && count % every === 0) return { kind: 'drop' };
    const rate = this.config.failRate5xx ?? 0;
    if (rate > 0 && this.random() < rate) {
      const statuses = this.config.failStatuses?.length ? this.config.failStatuses : [503, 504] as const;
      return { kind: 'fail', status: statuses[Math.floor(this.random() * statuses.length)]! };
    }
    return { kind: 'none' };
  }

  /**
   * Charges `cost` resource units to `key` (app+tenant). Returns the seconds to wait when the budget is spent.
   * As in Graph, usage keeps accruing while throttled, so hammering does not shorten the wait.
   */
  charge(key: string, cost: number, nowMs: number): { retryAfterSeconds: number; usedPercent: number } | { usedPercent: number } {
    const throttle = this.config.throttle;
    if (!throttle) return { usedPercent: 0 };
    let bucket = this.buckets.get(key);
    if (!bucket || nowMs - bucket.windowStartMs >= throttle.windowMs) {
      bucket = { windowStartMs: nowMs, used: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.used += cost;
    const usedPercent = bucket.used / throttle.ruPerWindow;
    if (bucket.used > throttle.ruPerWindow) {
      const remainingMs = bucket.windowStartMs + throttle.windowMs - nowMs;
      return { retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)), usedPercent };
    }
    return { usedPercent };
  }
}
