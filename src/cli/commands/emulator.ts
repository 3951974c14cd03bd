import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { collect, fromEnv, portNumber, positiveInt } from '../options.ts';

/** `gatehouse emulator entra`: the built-in Entra ID + Microsoft Graph emulator as its own process. */
export function emulatorCommand(ctx: CliContext): Command {
  const emulator = new Command('emulator').description('local stand-ins for identity providers, for laptops and CI');

  emulator
    .command('entra')
    .description('run the Entra ID / Microsoft Graph emulator (HTTPS, with its own CA) until Ctrl+C')
    .option('--port <port>', 'port [env: GATEHOUSE_EMULATOR_PORT] (default: 8443)', portNumber('--port'))
    .option('--data-dir <dir>', 'keeps the CA and directory across runs (default: ~/.gatehouse/entra-emulator)')
    .addOption(new Option('--tenant <tenantId>', 'a tenant id to create (repeatable; the first is the home tenant)').argParser(collect))
    .addOption(new Option('--tenants <n>', 'number of tenants with generated ids').argParser(positiveInt('--tenants', 20)))
    .action(async (o: { port?: number; dataDir?: string; tenant?: string[]; tenants?: number }) => {
      if (o.tenant && o.tenants !== undefined) throw usageError('use either --tenant or --tenants, not both');
      const { runEmulatorStandalone } = await import('../../emulator/entra/standalone.ts');
      const port = fromEnv<number | undefined>(o.port, ctx.io.env.GATEHOUSE_EMULATOR_PORT, portNumber('GATEHOUSE_EMULATOR_PORT'), undefined);
      const tenants = o.tenant ?? o.tenants;
      await runEmulatorStandalone({
        ...(port !== undefined && { port }),
        ...(o.dataDir !== undefined && { dataDir: o.dataDir }),
        ...(tenants !== undefined && { tenants }),
      });
    });

  return emulator;
}
