import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { addPaging, fetchList, jsonObjectArg, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { ProviderJson } from '../wire.ts';

const columns: Column<ProviderJson>[] = [
  { header: 'id', value: (p) => p.id },
  { header: 'name', value: (p) => p.name },
  { header: 'kind', value: (p) => p.kind },
  { header: 'created', value: (p) => p.createdAt },
];

export function providerCommand(ctx: CliContext): Command {
  const provider = new Command('provider').description('identity providers that hold client credentials (local, entra, oidc-dcr)');

  addPaging(provider.command('list').description('list providers')).action(async (o, cmd: Command) => {
    ctx.list(cmd, await fetchList<ProviderJson>(ctx, cmd, '/v1/providers', {}, o), columns);
  });

  provider.command('get <id>').description('show one provider').action(async (id: string, _o, cmd: Command) => {
    ctx.record(cmd, await ctx.client(cmd).get(`/v1/providers/${seg(id)}`));
  });

  provider
    .command('create <name>')
    .description('register a provider')
    .addOption(new Option('--kind <kind>', 'provider kind').choices(['local', 'entra', 'oidc-dcr']).default('local'))
    .option('--config-json <json>', 'kind-specific, non-secret settings as a JSON object')
    .action(async (name: string, o: { kind: string; configJson?: string }, cmd: Command) => {
      const body = { name, kind: o.kind, ...(o.configJson !== undefined && { config: jsonObjectArg(o.configJson, '--config-json') }) };
      const created = await ctx.client(cmd).post<ProviderJson>('/v1/providers', body);
      ctx.done(cmd, created, `created ${created.kind} provider ${created.name} (${created.id})`);
    });

  provider.command('delete <id>').description('delete a provider no environment, API or app uses').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/providers/${seg(id)}`);
    ctx.done(cmd, result ?? { id, deleted: true }, `deleted provider ${id}`);
  });

  return provider;
}
