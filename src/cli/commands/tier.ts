import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { parseSeconds } from '../duration.ts';
import { addPaging, type PagingOptions, fetchList, positiveInt, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { TierJson } from '../wire.ts';

const columns: Column<TierJson>[] = [
  { header: 'id', value: (t) => t.id },
  { header: 'name', value: (t) => t.name },
  { header: 'limit', value: (t) => `${t.limit.requests} / ${t.limit.windowSeconds}s` },
  { header: 'approval', value: (t) => t.approval },
  { header: 'api', value: (t) => t.apiId },
];

export function tierCommand(ctx: CliContext): Command {
  const tier = new Command('tier').description('SLA tiers of an API: a request limit and an approval mode');

  addPaging(tier.command('list').description("list an API's tiers").requiredOption('--api <apiId>', 'the API')).action(
    async (o: { api: string } & PagingOptions, cmd: Command) => {
      ctx.list(cmd, await fetchList<TierJson>(ctx, cmd, `/v1/apis/${seg(o.api)}/tiers`, {}, o), columns);
    },
  );

  tier
    .command('create <name>')
    .description('add a tier to an API')
    .requiredOption('--api <apiId>', 'the API')
    .addOption(new Option('--requests <n>', 'requests allowed per window').argParser(positiveInt('--requests')).makeOptionMandatory())
    .addOption(new Option('--window <duration>', 'window length (e.g. 60, 60s, 1m, 1h)').argParser((v) => parseSeconds(v, '--window')).makeOptionMandatory())
    .addOption(new Option('--approval <mode>', 'auto approves contracts at once').choices(['auto', 'manual']).default('manual'))
    .action(async (name: string, o: { api: string; requests: number; window: number; approval: string }, cmd: Command) => {
      const body = { name, limit: { requests: o.requests, windowSeconds: o.window }, approval: o.approval };
      const created = await ctx.client(cmd).post<TierJson>(`/v1/apis/${seg(o.api)}/tiers`, body);
      ctx.done(cmd, created, `created tier ${created.name}: ${created.limit.requests} requests / ${created.limit.windowSeconds}s, ${created.approval} approval (${created.id})`);
    });

  tier.command('delete <id>').description('delete a tier').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/tiers/${seg(id)}`);
    ctx.done(cmd, result ?? { id, deleted: true }, `deleted tier ${id}`);
  });

  return tier;
}
