import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { addPaging, type PagingOptions, fetchList, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { ContractJson } from '../wire.ts';

const columns: Column<ContractJson>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'state', value: (c) => c.state },
  { header: 'app', value: (c) => c.appId },
  { header: 'api', value: (c) => c.apiId },
  { header: 'tier', value: (c) => c.tierId },
  { header: 'updated', value: (c) => c.updatedAt },
];

export function contractCommand(ctx: CliContext): Command {
  const contract = new Command('contract').description('contracts between client apps and APIs (requested → approved | rejected, approved → revoked)');

  addPaging(
    contract
      .command('list')
      .description('list contracts')
      .option('--app <appId>', 'only this app')
      .option('--api <apiId>', 'only this API')
      .addOption(new Option('--state <state>', 'only this state').choices(['requested', 'approved', 'rejected', 'revoked'])),
  ).action(async (o: { app?: string; api?: string; state?: string } & PagingOptions, cmd: Command) => {
    ctx.list(cmd, await fetchList<ContractJson>(ctx, cmd, '/v1/contracts', { appId: o.app, apiId: o.api, state: o.state }, o), columns);
  });

  contract.command('get <id>').description('show one contract').action(async (id: string, _o, cmd: Command) => {
    ctx.record(cmd, await ctx.client(cmd).get(`/v1/contracts/${seg(id)}`));
  });

  contract
    .command('request')
    .description('ask for access to an API at a tier')
    .requiredOption('--app <appId>', 'the client app')
    .requiredOption('--api <apiId>', 'the API')
    .requiredOption('--tier <tierId>', 'the tier')
    .action(async (o: { app: string; api: string; tier: string }, cmd: Command) => {
      const created = await ctx.client(cmd).post<ContractJson>('/v1/contracts', { appId: o.app, apiId: o.api, tierId: o.tier });
      ctx.done(cmd, created, `contract ${created.id} is ${created.state}`);
    });

  contract.command('approve <id>').description('approve a requested contract').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).post<ContractJson>(`/v1/contracts/${seg(id)}/approve`, {});
    ctx.done(cmd, result, `contract ${result.id} is ${result.state}`);
  });

  for (const [verb, what] of [['reject', 'reject a requested contract'], ['revoke', 'revoke an approved contract']] as const) {
    contract
      .command(`${verb} <id>`)
      .description(what)
      .option('--reason <text>', 'why (kept in the contract and the audit log)')
      .action(async (id: string, o: { reason?: string }, cmd: Command) => {
        const result = await ctx.client(cmd).post<ContractJson>(`/v1/contracts/${seg(id)}/${verb}`, o.reason !== undefined ? { reason: o.reason } : {});
        ctx.done(cmd, result, `contract ${result.id} is ${result.state}`);
      });
  }

  return contract;
}
