import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CliContext, processIo, type Io } from './context.ts';
import { describeFailure, EXIT } from './errors.ts';
import { apiCommand } from './commands/api.ts';
import { appCommand } from './commands/app.ts';
import { auditCommand } from './commands/audit.ts';
import { contractCommand } from './commands/contract.ts';
import { credentialCommand } from './commands/credential.ts';
import { emulatorCommand } from './commands/emulator.ts';
import { envCommand } from './commands/env.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { providerCommand } from './commands/provider.ts';
import { serveCommand } from './commands/serve.ts';
import { tierCommand } from './commands/tier.ts';
import { tokenCommand } from './commands/token.ts';
import { usageCommand } from './commands/usage.ts';
import { reconcileCommand } from './commands/reconcile.ts';
import { demoCommand } from './commands/demo.ts';
import { applyCommand } from './commands/apply.ts';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The whole command tree. Commands that serve (serve, gateway, emulator) load their heavy modules only when run. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse: API gateway and access manager whose client credentials live in your identity provider')
    .version(version)
    .addOption(new Option('--url <url>', 'management API base URL [env: GATEHOUSE_URL] (default: http://127.0.0.1:8080)'))
    .addOption(new Option('--token <token>', 'API token; prefer GATEHOUSE_TOKEN, arguments are visible to other local users [env: GATEHOUSE_TOKEN]'))
    .option('--json', 'print raw JSON (for scripts) instead of tables')
    .showSuggestionAfterError();

  for (const command of [
    serveCommand(ctx), gatewayCommand(ctx), emulatorCommand(ctx),
    envCommand(ctx), providerCommand(ctx), apiCommand(ctx), tierCommand(ctx), appCommand(ctx),
    contractCommand(ctx), credentialCommand(ctx), tokenCommand(ctx), auditCommand(ctx), usageCommand(ctx),
    reconcileCommand(ctx), demoCommand(ctx), applyCommand(ctx),
  ]) {
    program.addCommand(command);
  }
  applyEverywhere(program, ctx.io);
  return program;
}

/** Subcommands built with `new Command()` inherit nothing, so output and exit handling are set on every node. */
function applyEverywhere(command: Command, io: Io): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: io.out,
    writeErr: io.err,
    // Same one-line shape as every other failure: `error: <detail> (<code>)`.
    outputError: (text, write) => {
      const [first = '', ...rest] = text.trim().split('\n');
      const lines = [`${first.startsWith('error:') ? first : `error: ${first}`} (USAGE)`, ...rest.map((r) => `hint: ${r.replace(/^\((.*)\)$/, '$1')}`)];
      write(lines.join('\n') + '\n');
    },
  });
  for (const sub of command.commands) applyEverywhere(sub, io);
}

/** Runs one command line (without the `node gatehouse` part) and returns the exit code; never throws. */
export async function run(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(new CliContext(io));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    // Commander already printed its own message (unknown command, missing option…) or the help text.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const { lines, exitCode } = describeFailure(error);
    io.err(lines.join('\n') + '\n');
    if (io.env.GATEHOUSE_DEBUG && error instanceof Error && error.stack) io.err(error.stack + '\n');
    return exitCode;
  }
}
