import type { AppActivity, StatusClass, UsageRollup } from '../../core/domain.ts';
import type { CredentialRepository, UsageRepository } from '../../core/ports/store.ts';
import { silentLogger, type Logger } from '../../platform/logger.ts';

export interface UsageRecorderOptions {
  usage: Pick<UsageRepository, 'addRollups' | 'touchApps'>;
  /** Where per-credential last use goes (credentials the gateway verified itself); omitted = not recorded. */
  credentials?: Pick<CredentialRepository, 'recordLastUse'>;
  logger?: Logger;
  /** Flush period, ms (default 1000). */
  flushMs?: number;
  /** Bound on buffered rollup rows while the store is failing; beyond it new rows are dropped (and logged). */
  maxRows?: number;
  /** Bound on buffered app activity entries (and, separately, on credential last-use entries). */
  maxApps?: number;
}

const MAX_ADDRESSES = 20;
const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * Buffers usage in memory — per minute per (API, app or none, status class): count, latency sum and max; per
 * app: last seen and recent source addresses; per credential the gateway verified: last use — and writes it to the store in batches every `flushMs`, never
 * on the request path. If a flush fails, the batch is merged back (within bounds) and retried next time.
 */
export class UsageRecorder {
  private rollups = new Map<string, UsageRollup>();
  /** Rows of `hotMinute` in `hotRollups`, by API id → app id ('' = none) → status class index (see `record`). */
  private hot = new Map<string, Map<string, (UsageRollup | undefined)[]>>();
  private hotMinute = -1;
  private hotRollups: Map<string, UsageRollup> | null = null;
  private activity = new Map<string, AppActivity>();
  /** Credential id → last time it authenticated a call. */
  private credentialSeen = new Map<string, number>();
  private readonly usage: UsageRecorderOptions['usage'];
  private readonly credentials: UsageRecorderOptions['credentials'];
  private readonly logger: Logger;
  private readonly flushMs: number;
  private readonly maxRows: number;
  private readonly maxApps: number;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private dropped = 0;
  private failing = false;

  constructor(options: UsageRecorderOptions) {
    this.usage = options.usage;
    this.credentials = options.credentials;
    this.logger = options.logger ?? silentLogger;
    this.flushMs = options.flushMs ?? 1000;
    this.maxRows = options.maxRows ?? 50_000;
    this.maxApps = options.maxApps ?? 50_000;
  }

  /**
   * Hot path. The first call per (minute, API, app, status class) builds the row's string key; later calls in the
   * same minute find the row through `hot` by the snapshot's id strings (whose hashes V8 caches) instead of
   * concatenating and hashing a fresh key: `record` was ~5 µs per request in the benchmark profile, mostly that.
   */
  record(apiId: string, appId: string | null, status: number, latencyMs: number, now: number, address: string | undefined): void {
    const minute = now - (now % 60_000);
    const classIndex = Math.min(5, Math.max(1, (status / 100) | 0));
    if (minute !== this.hotMinute || this.hotRollups !== this.rollups) {
      this.hot = new Map();
      this.hotMinute = minute;
      this.hotRollups = this.rollups;
    }
    const appKey = appId ?? '';
    const byApp = this.hot.get(apiId);
    const classes = byApp === undefined ? undefined : byApp.get(appKey);
    let row = classes === undefined ? undefined : classes[classIndex];
    if (row !== undefined) {
      row.count++;
      row.latencySumMs += latencyMs;
      if (latencyMs > row.latencyMaxMs) row.latencyMaxMs = latencyMs;
    } else {
      row = this.recordSlow(minute, apiId, appId, STATUS_CLASSES[classIndex]!, latencyMs);
      if (row !== undefined) this.remember(apiId, appKey, classIndex, row);
    }
    if (appId !== null) this.touch(appId, now, address);
  }

  private recordSlow(minute: number, apiId: string, appId: string | null, statusClass: StatusClass, latencyMs: number): UsageRollup | undefined {
    const key = minute + '|' + apiId + '|' + (appId ?? '') + '|' + statusClass;
    let row = this.rollups.get(key);
    if (row !== undefined) {
      row.count++;
      row.latencySumMs += latencyMs;
      if (latencyMs > row.latencyMaxMs) row.latencyMaxMs = latencyMs;
    } else if (this.rollups.size < this.maxRows) {
      row = { minute, apiId, appId, statusClass, count: 1, latencySumMs: latencyMs, latencyMaxMs: latencyMs };
      this.rollups.set(key, row);
    } else {
      this.dropped++;
    }
    return row;
  }

  /** Indexes a row of the current minute for `record`; bounded like `rollups` (only rows that exist are indexed). */
  private remember(apiId: string, appKey: string, classIndex: number, row: UsageRollup): void {
    let byApp = this.hot.get(apiId);
    if (byApp === undefined) this.hot.set(apiId, (byApp = new Map()));
    let classes = byApp.get(appKey);
    if (classes === undefined) byApp.set(appKey, (classes = [undefined, undefined, undefined, undefined, undefined, undefined]));
    classes[classIndex] = row;
  }

  /**
   * Hot path: the credential that authenticated a call (one Map write). Flushed as `recordLastUse` with source
   * `gateway`, which only moves a credential's last use forward and does not rebuild the gateway's snapshot — so the
   * inventory can tell, during a rotation's grace window, whether the old secret is still in use.
   */
  credentialUsed(credentialId: string, now: number): void {
    if (this.credentials === undefined) return;
    const seen = this.credentialSeen.get(credentialId);
    if (seen === undefined) {
      if (this.credentialSeen.size < this.maxApps) this.credentialSeen.set(credentialId, now);
    } else if (now > seen) {
      this.credentialSeen.set(credentialId, now);
    }
  }

  private touch(appId: string, now: number, address: string | undefined): void {
    const seen = this.activity.get(appId);
    if (seen === undefined) {
      if (this.activity.size >= this.maxApps) return;
      this.activity.set(appId, { appId, lastSeenAt: now, sourceAddresses: address ? [address] : [] });
      return;
    }
    if (now > seen.lastSeenAt) seen.lastSeenAt = now;
    if (address && seen.sourceAddresses[0] !== address) {
      const list = seen.sourceAddresses;
      const at = list.indexOf(address);
      if (at !== -1) list.splice(at, 1);
      list.unshift(address);
      if (list.length > MAX_ADDRESSES) list.length = MAX_ADDRESSES;
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** Writes what is buffered. Concurrent calls share one flush. Never throws. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** Stops the timer and writes the remainder (one attempt). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.flushing) await this.flushing;
    await this.flush();
  }

  /** Buffered rows, for tests and metrics. */
  get pendingRows(): number {
    return this.rollups.size;
  }

  private async write(): Promise<void> {
    const rollups = this.rollups;
    const activity = this.activity;
    const credentialSeen = this.credentialSeen;
    if (rollups.size === 0 && activity.size === 0 && credentialSeen.size === 0) return;
    this.rollups = new Map();
    this.activity = new Map();
    this.credentialSeen = new Map();
    let failed: unknown = null;
    if (credentialSeen.size && this.credentials !== undefined) {
      try {
        await this.credentials.recordLastUse([...credentialSeen].map(([credentialId, lastUsedAt]) => ({ credentialId, lastUsedAt, source: 'gateway' as const })));
      } catch (e) {
        failed = e;
        for (const [id, at] of credentialSeen) this.credentialUsed(id, at);
      }
    }
    if (rollups.size) {
      try {
        await this.usage.addRollups([...rollups.values()]);
      } catch (e) {
        failed = e;
        this.mergeBackRollups(rollups);
      }
    }
    if (activity.size) {
      try {
        await this.usage.touchApps([...activity.values()]);
      } catch (e) {
        failed ??= e;
        this.mergeBackActivity(activity);
      }
    }
    if (failed !== null && !this.failing) {
      this.failing = true;
      this.logger.error({ err: failed instanceof Error ? failed.message : String(failed) }, 'usage flush failed; keeping the buffer and retrying');
    } else if (failed === null && this.failing) {
      this.failing = false;
      this.logger.info('usage flush recovered');
    }
    if (this.dropped > 0) {
      this.logger.warn({ droppedRows: this.dropped }, 'usage buffer full; some usage was not recorded');
      this.dropped = 0;
    }
  }

  private mergeBackRollups(failed: Map<string, UsageRollup>): void {
    for (const [key, old] of failed) {
      const row = this.rollups.get(key);
      if (row !== undefined) {
        row.count += old.count;
        row.latencySumMs += old.latencySumMs;
        if (old.latencyMaxMs > row.latencyMaxMs) row.latencyMaxMs = old.latencyMaxMs;
      } else if (this.rollups.size < this.maxRows) {
        this.rollups.set(key, old);
      } else {
        this.dropped += old.count;
      }
    }
  }

  private mergeBackActivity(failed: Map<string, AppActivity>): void {
    for (const [appId, old] of failed) {
      const seen = this.activity.get(appId);
      if (seen === undefined) {
        if (this.activity.size < this.maxApps) this.activity.set(appId, old);
        continue;
      }
      if (old.lastSeenAt > seen.lastSeenAt) seen.lastSeenAt = old.lastSeenAt;
      for (const address of old.sourceAddresses) {
        if (seen.sourceAddresses.length >= MAX_ADDRESSES) break;
        if (!seen.sourceAddresses.includes(address)) seen.sourceAddresses.push(address);
      }
    }
  }
}
