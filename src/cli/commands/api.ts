import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { usageError } from '../errors.ts';
import { addPaging, type PagingOptions, collect, fetchList, parsePolicies, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { ApiJson } from '../wire.ts';

const columns: Column<ApiJson>[] = [
  { header: 'id', value: (a) => a.id },
  { header: 'name', value: (a) => a.name },
  { header: 'version', value: (a) => a.version },
  { header: 'base path', value: (a) => a.basePath },
  { header: 'upstream', value: (a) => a.upstreamUrl },
  { header: 'policies', value: (a) => a.policies?.map((p) => p.type) },
];

interface ApiFields {
  env?: string;
  name?: string;
  apiVersion?: string;
  basePath?: string;
  upstream?: string;
  provider?: string;
  policy?: string[];
  policiesJson?: string;
}

function body(o: ApiFields): Record<string, unknown> {
  const policies = parsePolicies(o.policy, o.policiesJson);
  return {
    ...(o.env !== undefined && { environmentId: o.env }),
    ...(o.name !== undefined && { name: o.name }),
    ...(o.apiVersion !== undefined && { version: o.apiVersion }),
    ...(o.basePath !== undefined && { basePath: o.basePath }),
    ...(o.upstream !== undefined && { upstreamUrl: o.upstream }),
    ...(o.provider !== undefined && { providerId: o.provider }),
    ...(policies !== undefined && { policies }),
  };
}

/** `--api-version`, not `--version`: the latter is the program's own version flag. */
function withFieldOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>', 'API name')
    .option('--api-version <version>', 'API version label (e.g. v1)')
    .option('--base-path <path>', 'path prefix on the gateway (e.g. /orders/v1)')
    .option('--upstream <url>', 'upstream URL the gateway proxies to (http or https)')
    .option('--provider <providerId>', "provider for this API (default: the environment's)")
    .addOption(new Option('--policy <type[:json]>', 'a policy in chain order, e.g. client-id or \'rate-limit:{"requests":10,"windowSeconds":60}\' (repeatable)').argParser(collect))
    .option('--policies-json <json>', 'the whole policy chain as a JSON array of {type, config}');
}

export function apiCommand(ctx: CliContext): Command {
  const api = new Command('api').description('APIs the gateway serves: base path, upstream, policies');

  addPaging(api.command('list').description('list APIs').option('--env <environmentId>', 'only this environment').option('--name <name>', 'only APIs with this exact name')).action(
    async (o: { env?: string; name?: string } & PagingOptions, cmd: Command) => {
      ctx.list(cmd, await fetchList<ApiJson>(ctx, cmd, '/v1/apis', { environmentId: o.env, name: o.name }, o), columns);
    },
  );

  api.command('get <id>').description('show one API').action(async (id: string, _o, cmd: Command) => {
    ctx.record(cmd, await ctx.client(cmd).get(`/v1/apis/${seg(id)}`));
  });

  withFieldOptions(api.command('create').description('put an API behind the gateway'))
    .requiredOption('--env <environmentId>', 'environment the API belongs to')
    .action(async (o: ApiFields, cmd: Command) => {
      for (const [flag, value] of [['--name', o.name], ['--api-version', o.apiVersion], ['--base-path', o.basePath], ['--upstream', o.upstream]] as const) {
        if (value === undefined) throw usageError(`required option '${flag}' not specified`);
      }
      const created = await ctx.client(cmd).post<ApiJson>('/v1/apis', body(o));
      ctx.done(cmd, created, `created API ${created.name} ${created.version} at ${created.basePath} → ${created.upstreamUrl} (${created.id})`);
    });

  withFieldOptions(api.command('update <id>').description('change an API')).action(async (id: string, o: ApiFields, cmd: Command) => {
    const patch = body(o);
    if (Object.keys(patch).length === 0) throw usageError('nothing to update: give at least one option (see --help)');
    const updated = await ctx.client(cmd).patch<ApiJson>(`/v1/apis/${seg(id)}`, patch);
    ctx.done(cmd, updated, `updated API ${updated.name} (${updated.id})`);
  });

  api.command('delete <id>').description('delete an API without live contracts').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/apis/${seg(id)}`);
    ctx.done(cmd, result ?? { id, deleted: true }, `deleted API ${id}`);
  });

  return api;
}
