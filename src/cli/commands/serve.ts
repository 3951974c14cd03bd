import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { fromEnv, portNumber } from '../options.ts';

interface ServeOptions {
  dataDir?: string;
  apiPort?: number;
  gatewayPort?: number;
  host?: string;
  sandbox?: boolean;
  emulatorPort?: number;
  reconcileInterval?: string;
  redisUrl?: string;
}

export function serveCommand(ctx: CliContext): Command {
  return new Command('serve')
    .description('run everything in one process: management API, gateway, store (SQLite in ./data unless GATEHOUSE_DATABASE_URL is set)')
    .option('--data-dir <dir>', 'where the SQLite database lives [env: GATEHOUSE_DATA_DIR] (default: ./data)')
    .option('--api-port <port>', 'management API port [env: GATEHOUSE_API_PORT] (default: 8080)', portNumber('--api-port'))
    .option('--gateway-port <port>', 'gateway port [env: GATEHOUSE_GATEWAY_PORT] (default: 8000)', portNumber('--gateway-port'))
    .option('--host <host>', 'interface to bind [env: GATEHOUSE_HOST] (default: 127.0.0.1)')
    .option('--no-sandbox', 'do not start the built-in Entra emulator sandbox [env: GATEHOUSE_SANDBOX=0]')
    .option('--emulator-port <port>', 'sandbox emulator port [env: GATEHOUSE_EMULATOR_PORT] (default: the previous one, else any free port)', portNumber('--emulator-port'))
    .option('--reconcile-interval <duration>', 'time between scheduled reconciles of each Entra provider, or "off" [env: GATEHOUSE_RECONCILE_INTERVAL; GATEHOUSE_RECONCILE_FIX=1 also repairs] (default: 6h, report-only)')
    .option('--redis-url <url>', 'Redis for rate-limit counters shared by several gateways [env: GATEHOUSE_REDIS_URL] (default: in memory)')
    .action(async (o: ServeOptions) => {
      const env = ctx.io.env;
      // Loaded here so client commands never load database drivers or servers.
      const [{ startGatehouse }, { createLogger }, { startBanner, describeStore }, { untilSignal }, { reconcileScheduleFrom }] = await Promise.all([
        import('../serve/compose.ts'),
        import('../../platform/logger.ts'),
        import('../serve/banner.ts'),
        import('../serve/shutdown.ts'),
        import('../serve/reconcile-schedule.ts'),
      ]);
      const reconcile = reconcileScheduleFrom(o.reconcileInterval ?? env.GATEHOUSE_RECONCILE_INTERVAL, env.GATEHOUSE_RECONCILE_FIX);
      const logger = createLogger({ name: 'gatehouse' });
      const databaseUrl = env.GATEHOUSE_DATABASE_URL || undefined;
      const dataDir = o.dataDir ?? (env.GATEHOUSE_DATA_DIR || './data');
      const running = await startGatehouse({
        databaseUrl,
        dataDir,
        apiPort: fromEnv(o.apiPort, env.GATEHOUSE_API_PORT, portNumber('GATEHOUSE_API_PORT'), 8080),
        gatewayPort: fromEnv(o.gatewayPort, env.GATEHOUSE_GATEWAY_PORT, portNumber('GATEHOUSE_GATEWAY_PORT'), 8000),
        host: o.host ?? (env.GATEHOUSE_HOST || '127.0.0.1'),
        logger,
        env,
        sandbox: o.sandbox === false || ['0', 'false', 'off', 'no'].includes((env.GATEHOUSE_SANDBOX ?? '').toLowerCase()) ? false : 'auto',
        ...(o.emulatorPort !== undefined || env.GATEHOUSE_EMULATOR_PORT
          ? { emulatorPort: fromEnv(o.emulatorPort, env.GATEHOUSE_EMULATOR_PORT, portNumber('GATEHOUSE_EMULATOR_PORT'), 0) }
          : {}),
        ...(reconcile ? { reconcile } : {}),
        ...((o.redisUrl ?? env.GATEHOUSE_REDIS_URL) ? { redisUrl: o.redisUrl ?? env.GATEHOUSE_REDIS_URL } : {}),
      });
      logger.info({ apiUrl: running.apiUrl, gatewayUrl: running.gatewayUrl, store: running.store.dialect }, 'gatehouse started');
      ctx.io.err(startBanner({ ...running, store: describeStore(databaseUrl, dataDir) }));
      await untilSignal(running.close, logger);
    });
}
