import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { fromEnv, portNumber } from '../options.ts';

/**
 * The gateway alone, against the same store as the control plane: run several behind a load balancer for
 * scale-out (PostgreSQL store; Redis for rate-limit counters shared by all of them).
 */
export function gatewayCommand(ctx: CliContext): Command {
  return new Command('gateway')
    .description('run only the gateway against the shared store (GATEHOUSE_DATABASE_URL), for scale-out')
    .option('--data-dir <dir>', 'where the SQLite database lives when no database URL is set [env: GATEHOUSE_DATA_DIR] (default: ./data)')
    .option('--port <port>', 'gateway port [env: GATEHOUSE_GATEWAY_PORT] (default: 8000)', portNumber('--port'))
    .option('--host <host>', 'interface to bind [env: GATEHOUSE_HOST] (default: 127.0.0.1)')
    .option('--redis-url <url>', 'Redis for rate-limit counters shared by every gateway [env: GATEHOUSE_REDIS_URL] (default: in memory, per process)')
    .action(async (o: { dataDir?: string; port?: number; host?: string; redisUrl?: string }) => {
      const env = ctx.io.env;
      const [{ openStore }, { startGateway }, { createLogger }, { untilSignal }, { rateLimitStoreFrom }, { GatewayMetrics }] = await Promise.all([
        import('../../store/index.ts'),
        import('../../gateway/index.ts'),
        import('../../platform/logger.ts'),
        import('../serve/shutdown.ts'),
        import('../serve/rate-limit-store.ts'),
        import('../../gateway/metrics/gateway-metrics.ts'),
      ]);
      const rateLimitStore = await rateLimitStoreFrom(o.redisUrl ?? env.GATEHOUSE_REDIS_URL, env.GATEHOUSE_REDIS_KEY_PREFIX);
      const logger = createLogger({ name: 'gatehouse-gateway' });
      const store = await openStore({ url: env.GATEHOUSE_DATABASE_URL || undefined, dataDir: o.dataDir ?? (env.GATEHOUSE_DATA_DIR || './data') });
      let gateway: Awaited<ReturnType<typeof startGateway>>;
      try {
        gateway = await startGateway({
          store,
          port: fromEnv(o.port, env.GATEHOUSE_GATEWAY_PORT, portNumber('GATEHOUSE_GATEWAY_PORT'), 8000),
          host: o.host ?? (env.GATEHOUSE_HOST || '127.0.0.1'),
          logger,
          metrics: new GatewayMetrics(),
          ...(rateLimitStore ? { rateLimitStore } : {}),
        });
      } catch (error) {
        await store.close();
        await rateLimitStore?.close?.();
        throw error;
      }
      logger.info({ gatewayUrl: gateway.url, store: store.dialect }, 'gateway started');
      ctx.io.err(`Gatehouse gateway listening on ${gateway.url} (store: ${store.dialect}, rate limits: ${rateLimitStore ? 'Redis' : 'in memory'})\n`);
      await untilSignal(async () => {
        await gateway.close();
        await store.close();
        await rateLimitStore?.close?.();
      }, logger);
    });
}
