import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { parseDays, parseDurationMs } from '../duration.ts';
import { addPaging, type PagingOptions, fetchList, seg } from '../options.ts';
import { renderRecord, type Column } from '../table.ts';
import type { CredentialJson } from '../wire.ts';

const columns: Column<CredentialJson>[] = [
  { header: 'id', value: (c) => c.id },
  { header: 'kind', value: (c) => c.kind },
  { header: 'hint', value: (c) => c.hint },
  { header: 'state', value: (c) => c.state },
  { header: 'origin', value: (c) => c.origin },
  { header: 'expires', value: (c) => c.expiresAt },
  { header: 'last used', value: (c) => c.lastUsedAt },
];

interface CreatedCredential {
  credential: CredentialJson;
  clientId: string | null;
  secret: string;
}

export function credentialCommand(ctx: CliContext): Command {
  const credential = new Command('credential').description("client apps' secrets: create (shown once), list, revoke");

  addPaging(
    credential
      .command('list')
      .description("list an app's credentials (metadata only; secrets are never shown again)")
      .requiredOption('--app <appId>', 'the client app')
      .option('--expiring-within <duration>', 'only active credentials expiring within this time (e.g. 30d)'),
  ).action(async (o: { app: string; expiringWithin?: string } & PagingOptions, cmd: Command) => {
    const page = await fetchList<CredentialJson>(ctx, cmd, `/v1/apps/${seg(o.app)}/credentials`, {}, o);
    if (o.expiringWithin !== undefined) {
      // Filtered here: the API lists per app, and an app has a handful of credentials.
      const horizon = ctx.io.now() + parseDurationMs(o.expiringWithin, 'd', '--expiring-within');
      page.items = page.items.filter((c) => c.state !== 'removed' && c.expiresAt !== null && Date.parse(c.expiresAt) <= horizon);
    }
    ctx.list(cmd, page, columns);
  });

  credential
    .command('create')
    .description('create a client secret; it is printed once and cannot be shown again')
    .requiredOption('--app <appId>', 'the client app')
    .addOption(new Option('--expires-in <duration>', "lifetime (e.g. 90d; default: the environment's credential lifetime)"))
    .action(async (o: { app: string; expiresIn?: string }, cmd: Command) => {
      const body: Record<string, unknown> = {};
      if (o.expiresIn !== undefined) {
        const { days, rounded } = parseDays(o.expiresIn, '--expires-in');
        if (rounded) ctx.note(`note: lifetime rounded up to ${days} day(s), the API counts whole days`);
        body.expiresInDays = days;
      }
      const created = await ctx.client(cmd).post<CreatedCredential>(`/v1/apps/${seg(o.app)}/credentials`, body);
      ctx.note('warning: the secret is shown only this once; store it now (e.g. in your secret manager). It cannot be retrieved later.');
      if (ctx.json(cmd)) return ctx.io.out(JSON.stringify(created, null, 2) + '\n');
      ctx.io.out(
        renderRecord({
          'client id': created.clientId,
          'client secret': created.secret,
          'credential id': created.credential.id,
          expires: created.credential.expiresAt,
        }),
      );
    });

  credential
    .command('revoke <credentialId>')
    .description('remove a credential at once (calls with it fail from the next snapshot)')
    .requiredOption('--app <appId>', 'the client app that holds it')
    .action(async (credentialId: string, o: { app: string }, cmd: Command) => {
      const result = await ctx.client(cmd).delete<CredentialJson>(`/v1/apps/${seg(o.app)}/credentials/${seg(credentialId)}`);
      ctx.done(cmd, result, `revoked credential ${credentialId}${result?.state ? ` (${result.state})` : ''}`);
    });

  return credential;
}
