import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { parseDays } from '../duration.ts';
import { addPaging, collect, fetchList, seg } from '../options.ts';
import { usageError } from '../errors.ts';
import type { Column } from '../table.ts';
import type { EnvironmentJson } from '../wire.ts';

const columns: Column<EnvironmentJson>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'name', value: (e) => e.name },
  { header: 'default provider', value: (e) => e.defaultProviderId },
  { header: 'credential days', value: (e) => e.settings?.credentialLifetimeDays },
  { header: 'created', value: (e) => e.createdAt },
];

interface EnvFields {
  name?: string;
  description?: string;
  credentialLifetime?: string;
  alertThresholds?: string;
  defaultProvider?: string;
  provider?: string[];
}

/** The request body for create/update from the shared options; only given fields are sent (PATCH semantics). */
function body(ctx: CliContext, o: EnvFields): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (o.credentialLifetime !== undefined) {
    const { days, rounded } = parseDays(o.credentialLifetime, '--credential-lifetime');
    if (rounded) ctx.note(`note: credential lifetime rounded up to ${days} day(s)`);
    settings.credentialLifetimeDays = days;
  }
  if (o.alertThresholds !== undefined) {
    settings.alertThresholdsDays = o.alertThresholds.split(',').map((part) => parseDays(part.trim(), '--alert-thresholds').days);
  }
  return {
    ...(o.name !== undefined && { name: o.name }),
    ...(o.description !== undefined && { description: o.description }),
    ...(Object.keys(settings).length > 0 && { settings }),
    ...(o.defaultProvider !== undefined && { defaultProviderId: o.defaultProvider }),
    ...(o.provider !== undefined && { providerIds: o.provider }),
  };
}

function withFieldOptions(cmd: Command): Command {
  return cmd
    .option('--description <text>', 'what this environment is for')
    .option('--credential-lifetime <duration>', 'lifetime of credentials created here (e.g. 180d)')
    .option('--alert-thresholds <list>', 'days before expiry to alert, comma-separated (e.g. 60d,30d,7d)')
    .option('--default-provider <providerId>', 'provider used when an API or app names none')
    .addOption(new Option('--provider <providerId>', 'a provider this environment may use (repeatable)').argParser(collect));
}

export function envCommand(ctx: CliContext): Command {
  const env = new Command('env').description('environments (sandbox, production…) that hold APIs and client apps');

  addPaging(env.command('list').description('list environments')).action(async (o, cmd: Command) => {
    ctx.list(cmd, await fetchList<EnvironmentJson>(ctx, cmd, '/v1/environments', {}, o), columns);
  });

  env.command('get <id>').description('show one environment').action(async (id: string, _o, cmd: Command) => {
    ctx.record(cmd, await ctx.client(cmd).get(`/v1/environments/${seg(id)}`));
  });

  withFieldOptions(env.command('create <name>').description('create an environment')).action(async (name: string, o: EnvFields, cmd: Command) => {
    const created = await ctx.client(cmd).post<EnvironmentJson>('/v1/environments', body(ctx, { ...o, name }));
    ctx.done(cmd, created, `created environment ${created.name} (${created.id})`);
  });

  withFieldOptions(env.command('update <id>').description('change an environment').option('--name <name>', 'new name')).action(
    async (id: string, o: EnvFields, cmd: Command) => {
      const patch = body(ctx, o);
      if (Object.keys(patch).length === 0) throw usageError('nothing to update: give at least one option (see --help)');
      const updated = await ctx.client(cmd).patch<EnvironmentJson>(`/v1/environments/${seg(id)}`, patch);
      ctx.done(cmd, updated, `updated environment ${updated.name} (${updated.id})`);
    },
  );

  env.command('delete <id>').description('delete an empty environment').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/environments/${seg(id)}`);
    ctx.done(cmd, result ?? { id, deleted: true }, `deleted environment ${id}`);
  });

  return env;
}
