import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../core/ports/store.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { silentLogger, type Logger } from '../platform/logger.ts';
import type { PolicyFactory } from './pipeline/policy.ts';
import { policyRegistry } from './policies/registry.ts';
import type { RateLimitStore } from './rate-limit/store.ts';
import { MemoryRateLimitStore } from './rate-limit/memory-store.ts';
import { compileSnapshot } from './snapshot/compile.ts';
import { SnapshotRefresher, type Readiness } from './snapshot/refresher.ts';
import { UpstreamPools } from './proxy/pools.ts';
import { UsageRecorder } from './usage/recorder.ts';
import { createRequestListener, handleClientError } from './server.ts';
import type { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { createOAuthTokenPolicy, JwksRegistry } from './policies/oauth-token/index.ts';

export interface GatewayOptions {
  store: Store;
  /** Default 8000; 0 = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger?: Logger;
  clock?: Clock;
  /** How often the store's change counter is checked, ms (default 1000). */
  pollIntervalMs?: number;
  /** Policies beyond the built-ins (`client-id`, `rate-limit`); same type replaces a built-in. */
  policyFactories?: PolicyFactory[];
  /** Counters for tier limits and `rate-limit` (default: in memory, this process only). */
  rateLimitStore?: RateLimitStore;
  /** Usage flush period, ms (default 1000). */
  usageFlushMs?: number;
  /** Upstream timeout for response headers and between body chunks, ms (default 30000) → 504. */
  upstreamTimeoutMs?: number;
  /** Largest request body accepted, bytes (default 10 MiB) → 413. */
  maxBodyBytes?: number;
  /** Largest request header section, bytes (default 16 KiB) → 431. */
  maxHeaderBytes?: number;
  /** Prometheus metrics: every answered API call is counted and GET /metrics is served on the gateway port. */
  metrics?: GatewayMetrics;
  /**
   * Signing-key caches for `oauth-token` (default: one per gateway, fetch outcomes counted in `metrics`). Pass your own
   * to trust a private CA (`new JwksRegistry({ dispatcher: new Agent({ connect: { ca } }) })`, e.g. the emulator's).
   */
  jwks?: JwksRegistry;
}

export interface Gateway {
  url: string;
  port: number;
  /** Stops accepting, waits for in-flight calls, flushes usage, closes upstream connections. */
  close(): Promise<void>;
  /** Rebuilds the snapshot from the store now. */
  refresh(): Promise<void>;
  readiness(): Readiness;
}

/**
 * Starts the gateway: loads the first snapshot (if the store answers), listens, then polls the store's change
 * counter. Until a first snapshot exists, API calls get 503 SNAPSHOT_UNAVAILABLE and /readyz says not ok.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = (options.logger ?? silentLogger).child({ component: 'gateway' });
  const clock = options.clock ?? systemClock;
  const ownsRateLimitStore = options.rateLimitStore === undefined;
  const rateLimitStore = options.rateLimitStore ?? new MemoryRateLimitStore();
  const metrics = options.metrics;
  const jwks = options.jwks ?? new JwksRegistry(metrics ? { onJwksFetch: metrics.jwksFetch } : {});
  const oauthToken = createOAuthTokenPolicy({ jwks, ...(metrics ? { onTokenCache: metrics.tokenCacheLookup } : {}) });
  const factories = policyRegistry([oauthToken, ...(options.policyFactories ?? [])]);
  const pools = new UpstreamPools({ timeoutMs: options.upstreamTimeoutMs ?? 30_000 });
  const usage = new UsageRecorder({ usage: options.store.usage, credentials: options.store.credentials, logger, flushMs: options.usageFlushMs ?? 1000 });
  const refresher = new SnapshotRefresher({
    store: options.store,
    compile: (data) => compileSnapshot(data, factories, { clock, rateLimitStore, logger }),
    logger,
    clock,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    onSwap: (snapshot) => pools.retain(new Set([...snapshot.apis.values()].map((a) => a.upstreamOrigin).filter(Boolean))),
  });
  await refresher.refresh();

  const server = createServer({ maxHeaderSize: options.maxHeaderBytes ?? 16 * 1024, keepAliveTimeout: 65_000 });
  server.on('request', createRequestListener({
    refresher, pools, usage, logger, clock, maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024, metrics: options.metrics ?? null,
  }));
  server.on('clientError', handleClientError);
  await listen(server, options.port ?? 8000, options.host ?? '127.0.0.1');
  refresher.start();
  usage.start();

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, 'gateway listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    refresh: () => refresher.refresh(),
    readiness: () => refresher.readiness(),
    close: () => (closing ??= (async () => {
      refresher.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await usage.stop();
      await pools.close();
      if (ownsRateLimitStore) await rateLimitStore.close?.();
    })()),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export { compileSnapshot } from './snapshot/compile.ts';
export type { CompileOptions } from './snapshot/compile.ts';
export { loadSnapshotData } from './snapshot/load.ts';
export type { Snapshot, SnapshotData, CompiledApi, ContractGrant } from './snapshot/snapshot.ts';
export type { Readiness } from './snapshot/refresher.ts';
export type { PolicyFactory, PolicyHandler, PolicyPhase, PolicyDeps, PolicyResult, Directory, SecretVerifier } from './pipeline/policy.ts';
export type { Denial } from './pipeline/denial.ts';
export { REASONS, deny } from './pipeline/denial.ts';
export { RequestContext } from './pipeline/context.ts';
export { builtInPolicyFactories, policyRegistry, validatePolicies } from './policies/registry.ts';
export type { RateLimitStore, RateLimitResult } from './rate-limit/store.ts';
export { MemoryRateLimitStore } from './rate-limit/memory-store.ts';
export { UsageRecorder } from './usage/recorder.ts';
