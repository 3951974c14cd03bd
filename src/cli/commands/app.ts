import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { addPaging, type PagingOptions, collect, fetchList, seg } from '../options.ts';
import { renderRecord, renderTable, type Column } from '../table.ts';
import { isoDuration, parseDurationMs } from '../duration.ts';
import { CliError, EXIT } from '../errors.ts';
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

  addPaging(app.command('list').description('list client apps').option('--env <environmentId>', 'only this environment').option('--name <name>', 'only apps with this exact name')).action(
    async (o: { env?: string; name?: string } & PagingOptions, cmd: Command) => {
      ctx.list(cmd, await fetchList<AppJson>(ctx, cmd, '/v1/apps', { environmentId: o.env, name: o.name }, o), columns);
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

  app
    .command('registration <appId>')
    .description("the app's registration in its identity provider and the state of its onboarding")
    .action(async (appId: string, _o, cmd: Command) => {
      ctx.record(cmd, await ctx.client(cmd).get(`/v1/apps/${seg(appId)}/registration`));
    });

  app
    .command('secret <appId>')
    .description('claim the secret onboarding created in the IdP (once only; waits while onboarding runs)')
    .option('--wait <duration>', 'how long to wait for onboarding to finish', '2m')
    .action(async (appId: string, o: { wait: string }, cmd: Command) => {
      const claimed = await claimSecret(ctx, cmd, appId, parseDurationMs(o.wait, 's', '--wait'));
      ctx.note('warning: the secret is shown only this once; store it now. Gatehouse keeps no copy.');
      if (ctx.json(cmd)) return ctx.io.out(JSON.stringify(claimed, null, 2) + '\n');
      ctx.io.out(renderRecord({
        'client id': claimed.clientId, 'client secret': claimed.secret, 'key id': claimed.keyId, expires: claimed.expiresAt,
        'token endpoint': claimed.tokenEndpoint, scope: claimed.scope,
      }));
    });

  app
    .command('stale')
    .description('apps and credentials nobody has used lately')
    .option('--unused-for <duration>', 'unused for at least this long (default 90d)')
    .option('--env <environmentId>', 'only this environment')
    .action(async (o: { unusedFor?: string; env?: string }, cmd: Command) => {
      const report = await ctx.client(cmd).get<StaleReportJson>('/v1/reports/stale-clients', {
        ...(o.unusedFor !== undefined && { unusedFor: isoDuration(o.unusedFor, '--unused-for') }),
        ...(o.env !== undefined && { environmentId: o.env }),
      });
      if (ctx.json(cmd)) return ctx.io.out(JSON.stringify(report, null, 2) + '\n');
      ctx.io.out('stale apps:\n' + renderTable(report.apps, staleAppColumns));
      ctx.io.out('stale credentials:\n' + renderTable(report.credentials, staleCredentialColumns));
    });

  app
    .command('import')
    .description('adopt an application that already exists in the IdP (no IdP write)')
    .requiredOption('--env <environmentId>', 'environment the app joins')
    .requiredOption('--app-id <clientId>', "the IdP application's client id (Entra: Application (client) ID)")
    .option('--provider <providerId>', "default: the environment's provider")
    .option('--name <name>', 'default: the IdP display name')
    .action(async (o: { env: string; appId: string; provider?: string; name?: string }, cmd: Command) => {
      const imported = await ctx.client(cmd).post<{ app: AppJson; credentials: unknown[]; owned: boolean }>('/v1/apps/import', {
        environmentId: o.env, clientId: o.appId, ...(o.provider !== undefined && { providerId: o.provider }), ...(o.name !== undefined && { name: o.name }),
      });
      ctx.done(cmd, imported, `imported app ${imported.app.name} (${imported.app.id}), client id ${imported.app.clientId}, ` +
        `${imported.credentials.length} credential(s) tracked` + (imported.owned ? '' : '\nnote: the platform app does not own it; make it an owner to rotate its secrets'));
    });

  return app;
}

interface StaleReportJson {
  apps: { app: { id: string; name: string; environmentId: string }; lastSeenAt?: string | null }[];
  credentials: { credential: { id: string; hint: string; expiresAt: string | null }; appId: string; lastUsedAt: string | null }[];
}

const staleAppColumns: Column<StaleReportJson['apps'][number]>[] = [
  { header: 'app', value: (a) => a.app.id },
  { header: 'name', value: (a) => a.app.name },
  { header: 'environment', value: (a) => a.app.environmentId },
  { header: 'last seen', value: (a) => a.lastSeenAt ?? null },
];
const staleCredentialColumns: Column<StaleReportJson['credentials'][number]>[] = [
  { header: 'credential', value: (c) => c.credential.id },
  { header: 'app', value: (c) => c.appId },
  { header: 'hint', value: (c) => c.credential.hint },
  { header: 'expires', value: (c) => c.credential.expiresAt },
  { header: 'last used', value: (c) => c.lastUsedAt },
];

export interface ClaimedSecret {
  clientId: string;
  secret: string;
  keyId: string;
  expiresAt: string;
  tokenEndpoint: string | null;
  scope: string | null;
}

/**
 * Claims the onboarding secret, asking again while the API answers 202 (onboarding still runs), up to `waitMs`.
 * `onWait` is told each time (for progress output).
 */
export async function claimSecret(ctx: CliContext, cmd: Command, appId: string, waitMs: number, onWait?: (attempt: number) => void): Promise<ClaimedSecret> {
  const client = ctx.client(cmd);
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    const reply = await client.post<ClaimedSecret | { status: 'pending'; retryAfter: number; jobId: string }>(`/v1/apps/${seg(appId)}/registration/secret`, {});
    if (!('status' in reply)) return reply;
    if (Date.now() >= deadline) {
      throw new CliError('ONBOARDING_PENDING', `onboarding of app ${appId} is still running (job ${reply.jobId})`, EXIT.api,
        `ask again later: gatehouse app secret ${appId}`);
    }
    onWait?.(attempt);
    await new Promise((r) => setTimeout(r, Math.min(Math.max(reply.retryAfter, 0.2) * 1000, 1000, Math.max(0, deadline - Date.now()))));
  }
}
