import { Pool } from 'undici';

export interface PoolOptions {
  /** Headers and idle-body timeout towards the upstream, ms. */
  timeoutMs: number;
  connectTimeoutMs?: number;
}

/**
 * One keep-alive undici Pool per upstream origin, shared by every API and snapshot that points at it (a
 * snapshot swap must not drop warm connections). Without keep-alive a Node proxy collapses (peers.md §3.2).
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  constructor(private readonly options: PoolOptions) {}

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        connectTimeout: this.options.connectTimeoutMs ?? Math.min(this.options.timeoutMs, 10_000),
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Drops pools whose origin no API uses any more. */
  retain(origins: ReadonlySet<string>): void {
    for (const [origin, pool] of this.pools) {
      if (!origins.has(origin)) {
        this.pools.delete(origin);
        void pool.close().catch(() => {});
      }
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => {})));
  }
}
