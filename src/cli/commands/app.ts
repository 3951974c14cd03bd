import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { addPaging, type PagingOptions, collect, fetchList, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { AppJson } from '../wire.ts';

const columns: Column<AppJson>[] = [
  { header: 'id', value: (a) => a.id },
  { header: 'name', value: (a) => a.name },
  { header: 'client id', value: (a) => a.clientId },
  { header: 'environment', value: (a) => a.environmentId },
  { header: 'owner', value: (a) => a.ownerSubject ?? a.ownerContacts },
];

export function appCommand(ctx: CliContext): Command {
  const app = new Command('app').description('client apps that consume APIs');

  addPaging(app.command('list').description('list client apps').option('--env <environmentId>', 'only this environment')).action(
    async (o: { env?: string } & PagingOptions, cmd: Command) => {
      ctx.list(cmd, await fetchList<AppJson>(ctx, cmd, '/v1/apps', { environmentId: o.env }, o), columns);
    },
  );

  app.command('get <id>').description('show one client app').action(async (id: string, _o, cmd: Command) => {
    ctx.record(cmd, await ctx.client(cmd).get(`/v1/apps/${seg(id)}`));
  });

  app
    .command('create <name>')
    .description('create a client app')
    .requiredOption('--env <environmentId>', 'environment the app belongs to')
    .option('--description <text>', 'what the app is')
    .addOption(new Option('--owner-contact <email>', 'who to tell about expiring credentials (repeatable)').argParser(collect))
    .option('--owner-subject <subject>', 'API token subject that owns the app (staff only)')
    .option('--provider <providerId>', "provider for this app (default: the environment's)")
    .action(async (name: string, o: { env: string; description?: string; ownerContact?: string[]; ownerSubject?: string; provider?: string }, cmd: Command) => {
      const body = {
        environmentId: o.env,
        name,
        ...(o.description !== undefined && { description: o.description }),
        ...(o.ownerContact !== undefined && { ownerContacts: o.ownerContact }),
        ...(o.ownerSubject !== undefined && { ownerSubject: o.ownerSubject }),
        ...(o.provider !== undefined && { providerId: o.provider }),
      };
      const created = await ctx.client(cmd).post<AppJson>('/v1/apps', body);
      ctx.done(cmd, created, `created app ${created.name} (${created.id})${created.clientId ? `, client id ${created.clientId}` : ''}`);
    });

  app.command('delete <id>').description('delete an app: revokes its contracts and removes its credentials').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/apps/${seg(id)}`);
    ctx.done(cmd, result ?? { id, deleted: true }, `deleted app ${id}`);
  });

  return app;
}
