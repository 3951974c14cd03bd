import type { Store } from '../../core/ports/store.ts';
import type { Clock } from '../../core/clock.ts';
import { silentLogger, type Logger } from '../../platform/logger.ts';
import { openStore } from '../../store/index.ts';
import { createManagementApi, startManagementServer } from '../../api/index.ts';
import { ensureBootstrapToken } from '../../control/tokens.ts';
import { startGateway, type Gateway } from '../../gateway/index.ts';

/**
 * One Gatehouse in one process: store, gateway and management API, wired together. `gatehouse serve` runs it;
 * tests and later features (an embedded Entra emulator sandbox) reuse it. Port 0 picks free ports.
 */
export interface GatehouseOptions {
  /** 'sqlite::memory:', 'sqlite:/path/file.db' or 'postgres://…'; default: SQLite under `dataDir`. */
  databaseUrl?: string;
  /** Where the default SQLite file lives (default ./data). */
  dataDir?: string;
  /** Management API port (default 8080). */
  apiPort?: number;
  /** Gateway port (default 8000). */
  gatewayPort?: number;
  /** Interface both servers bind (default 127.0.0.1: nothing is exposed until the operator says so). */
  host?: string;
  logger?: Logger;
  clock?: Clock;
  /** How often the gateway checks the store for changes (default: the gateway's own). */
  gatewayPollIntervalMs?: number;
}

export interface RunningGatehouse {
  apiUrl: string;
  gatewayUrl: string;
  /** Plaintext of the admin token created on first start; null when an admin token already existed. Shown once. */
  bootstrapToken: string | null;
  store: Store;
  /** Stops the API server, then the gateway (which flushes pending usage), then closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function startGatehouse(options: GatehouseOptions = {}): Promise<RunningGatehouse> {
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  // Closed in reverse order of start; also used to undo a half-finished start.
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'error while shutting down');
      }
    }
  };

  try {
    const store = await openStore({ url: options.databaseUrl, dataDir: options.dataDir, clock: options.clock });
    closers.push(() => store.close());
    const bootstrapToken = await ensureBootstrapToken(store, options.clock);

    const gateway = await startGateway({
      store,
      port: options.gatewayPort ?? 8000,
      host,
      logger, // the gateway tags its own lines with component=gateway
      clock: options.clock,
      pollIntervalMs: options.gatewayPollIntervalMs,
    });
    closers.push(() => gateway.close());

    const app = createManagementApi({
      store,
      clock: options.clock,
      logger: logger.child({ component: 'api' }),
      readiness: () => readiness(store, gateway),
    });
    const server = await startManagementServer({ app, port: options.apiPort ?? 8080, host });
    closers.push(() => server.close());

    let closing: Promise<void> | null = null;
    return {
      apiUrl: server.url,
      gatewayUrl: gateway.url,
      bootstrapToken,
      store,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * /readyz of the whole process: ready when the store answers and the gateway holds a snapshot. A gateway serving
 * from its last snapshot while the store is down is still reported, but the process is not ready for changes.
 */
async function readiness(store: Store, gateway: Gateway): Promise<{ ok: boolean; checks: Record<string, unknown> }> {
  let storeOk = true;
  try {
    await store.ping();
  } catch {
    storeOk = false;
  }
  const g = gateway.readiness();
  return {
    ok: storeOk && g.ok,
    checks: {
      store: storeOk ? 'ok' : 'unavailable',
      gateway: g.ok ? 'ok' : 'no snapshot',
      snapshotVersion: g.snapshotVersion,
      lastRefreshAt: g.lastRefreshAt === null ? null : new Date(g.lastRefreshAt).toISOString(),
    },
  };
}
