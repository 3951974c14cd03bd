import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { claimSecret } from './app.ts';

export interface DemoOptions {
  gatewayUrl?: string;
  /** false: exit right after the walk-through (tests, CI); default: keep the sample upstream up until Ctrl-C. */
  wait: boolean;
  waitOnboarding: string;
}

/**
 * `gatehouse demo` (issue 5.6): the whole story against the running sandbox, narrated step by step. Everything it
 * creates stays, so the newcomer can explore it afterwards with the CLI; only the sample upstream lives in this
 * process (it stops when the demo exits, so by default the demo keeps running until Ctrl-C).
 */
export function demoCommand(ctx: CliContext): Command {
  return new Command('demo')
    .description('walk through the whole story in the sandbox: API, client app, access approval, Entra onboarding, token, gateway call')
    .option('--gateway-url <url>', 'where the gateway listens [env: GATEHOUSE_GATEWAY_URL] (default: http://127.0.0.1:8000)')
    .option('--no-wait', 'exit at the end instead of keeping the sample upstream running until Ctrl-C')
    .option('--wait-onboarding <duration>', 'how long to wait for onboarding in the emulated tenant', '60s')
    .action(async (o: DemoOptions, cmd: Command) => {
      const { runDemo } = await import('../demo/run.ts');
      const gatewayUrl = (o.gatewayUrl ?? (ctx.io.env.GATEHOUSE_GATEWAY_URL || 'http://127.0.0.1:8000')).replace(/\/+$/, '');
      const demo = await runDemo(ctx, cmd, { gatewayUrl, waitOnboarding: o.waitOnboarding, claim: claimSecret });
      try {
        if (o.wait) {
          ctx.io.out('\nThe sample upstream keeps running until you press Ctrl-C (everything else stays in Gatehouse).\n');
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        }
      } finally {
        await demo.close();
      }
      if (!demo.ok) throw new CliError('DEMO_FAILED', 'a demo step did not turn out as expected (see above)', EXIT.api);
    });
}
