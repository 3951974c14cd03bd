import type { Logger } from '../../platform/logger.ts';
import type { Clock } from '../../core/clock.ts';
import type { Snapshot, SnapshotData } from './snapshot.ts';
import { loadSnapshotData, type SnapshotSource } from './load.ts';

export interface Readiness {
  /** A snapshot is loaded, so the gateway can serve (possibly from an old snapshot: see storeReachable). */
  ok: boolean;
  /** The store change counter the current snapshot was built at; -1 before the first one. */
  snapshotVersion: number;
  storeReachable: boolean;
  /** When the store was last read successfully (epoch ms). */
  lastRefreshAt: number | null;
}

export interface SnapshotRefresherOptions {
  store: SnapshotSource;
  compile: (data: SnapshotData) => Snapshot;
  logger: Logger;
  clock: Clock;
  pollIntervalMs: number;
  /** Called after every swap (e.g. to drop unused upstream pools). */
  onSwap?: (snapshot: Snapshot) => void;
}

/**
 * Holds the current snapshot and replaces it when the store's change counter moves. Polling errors never
 * touch the current snapshot: the gateway keeps serving it, and the outage is logged once, not once per poll.
 */
export class SnapshotRefresher {
  current: Snapshot | null = null;
  private storeReachable = false;
  private lastRefreshAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private outageLogged = false;

  constructor(private readonly options: SnapshotRefresherOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Checks the change counter and rebuilds if it moved. One poll at a time. */
  poll(): Promise<void> {
    this.inFlight ??= this.check(false).finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  /** Rebuilds now, whatever the counter says (waits for a running poll first). */
  async refresh(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    this.inFlight = this.check(true).finally(() => { this.inFlight = null; });
    return this.inFlight;
  }

  readiness(): Readiness {
    return {
      ok: this.current !== null,
      snapshotVersion: this.current?.version ?? -1,
      storeReachable: this.storeReachable,
      lastRefreshAt: this.lastRefreshAt,
    };
  }

  private async check(force: boolean): Promise<void> {
    const { store, logger } = this.options;
    try {
      const counter = await store.changeCounter();
      if (force || this.current === null || counter !== this.current.version) {
        const data = await loadSnapshotData(store);
        this.swap(this.options.compile(data));
      }
      this.reachable();
    } catch (error) {
      this.unreachable(error);
    }
  }

  private swap(snapshot: Snapshot): void {
    const previous = this.current;
    this.current = snapshot;
    for (const e of snapshot.errors) {
      this.options.logger.error({ api: e.apiId, apiName: e.apiName, reason: 'API_MISCONFIGURED', problem: e.message }, 'API misconfigured; it answers 503 until fixed');
    }
    this.options.logger.info({ snapshotVersion: snapshot.version, previousVersion: previous?.version ?? null, apis: snapshot.apis.size }, 'gateway snapshot loaded');
    this.options.onSwap?.(snapshot);
  }

  private reachable(): void {
    this.lastRefreshAt = this.options.clock.now();
    this.storeReachable = true;
    if (this.outageLogged) {
      this.outageLogged = false;
      this.options.logger.info({ snapshotVersion: this.current?.version ?? null }, 'store reachable again');
    }
  }

  private unreachable(error: unknown): void {
    this.storeReachable = false;
    if (this.outageLogged) return;
    this.outageLogged = true;
    this.options.logger.error(
      { err: error instanceof Error ? error.message : String(error), snapshotVersion: this.current?.version ?? null },
      this.current ? 'store unreachable; serving the last snapshot' : 'store unreachable; no snapshot yet, answering 503',
    );
  }
}
