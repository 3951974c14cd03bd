import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { parseTimeArg } from '../duration.ts';
import { addPaging, type PagingOptions, fetchList, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { ActivityJson, UsageRollupJson } from '../wire.ts';

const columns: Column<UsageRollupJson>[] = [
  { header: 'minute', value: (u) => u.minute },
  { header: 'api', value: (u) => u.apiId },
  { header: 'app', value: (u) => u.appId },
  { header: 'status', value: (u) => u.statusClass },
  { header: 'count', value: (u) => u.count },
  { header: 'avg ms', value: (u) => (u.count ? Math.round(u.latencySumMs / u.count) : '-') },
  { header: 'max ms', value: (u) => u.latencyMaxMs },
];

export function usageCommand(ctx: CliContext): Command {
  const usage = new Command('usage').description('what the gateway saw: calls per minute, API, client and status class');

  addPaging(
    usage
      .command('list')
      .description('list per-minute usage rollups')
      .option('--api <apiId>', 'only this API')
      .option('--app <appId>', 'only this client app')
      .option('--from <time>', 'ISO time, or a duration ago (24h)')
      .option('--to <time>', 'ISO time, or a duration ago'),
  ).action(async (o: { api?: string; app?: string; from?: string; to?: string } & PagingOptions, cmd: Command) => {
    const now = ctx.io.now();
    const query = {
      apiId: o.api,
      appId: o.app,
      from: o.from === undefined ? undefined : parseTimeArg(o.from, now, '--from'),
      to: o.to === undefined ? undefined : parseTimeArg(o.to, now, '--to'),
    };
    ctx.list(cmd, await fetchList<UsageRollupJson>(ctx, cmd, '/v1/usage', query, o), columns);
  });

  usage
    .command('activity')
    .description('when a client app was last seen, and from where')
    .requiredOption('--app <appId>', 'the client app')
    .action(async (o: { app: string }, cmd: Command) => {
      const activity = await ctx.client(cmd).get<ActivityJson>(`/v1/apps/${seg(o.app)}/activity`);
      ctx.record(cmd, activity);
    });

  return usage;
}
