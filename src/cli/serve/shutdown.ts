import type { Logger } from '../../platform/logger.ts';

/**
 * Resolves after the first SIGINT/SIGTERM has run `close`. A second signal, or a close that takes longer than
 * `graceMs`, exits at once: an operator pressing Ctrl-C twice means it.
 */
export function untilSignal(close: () => Promise<void>, logger: Logger, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      logger.info({ signal }, 'shutting down');
      const force = setTimeout(() => {
        logger.error({ graceMs }, 'shutdown took too long; exiting');
        process.exit(1);
      }, graceMs);
      force.unref();
      close()
        .catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'))
        .finally(() => {
          clearTimeout(force);
          logger.info('stopped');
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
