import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { parseDays } from '../duration.ts';
import { addPaging, fetchList, seg } from '../options.ts';
import { renderRecord, type Column } from '../table.ts';
import type { TokenJson } from '../wire.ts';

const columns: Column<TokenJson>[] = [
  { header: 'id', value: (t) => t.id },
  { header: 'name', value: (t) => t.name },
  { header: 'role', value: (t) => t.role },
  { header: 'subject', value: (t) => t.subject },
  { header: 'expires', value: (t) => t.expiresAt },
  { header: 'revoked', value: (t) => t.revokedAt },
  { header: 'last used', value: (t) => t.lastUsedAt },
];

export function tokenCommand(ctx: CliContext): Command {
  const token = new Command('token').description('management API tokens (admin only)');

  addPaging(token.command('list').description('list API tokens')).action(async (o, cmd: Command) => {
    ctx.list(cmd, await fetchList<TokenJson>(ctx, cmd, '/v1/tokens', {}, o), columns);
  });

  token
    .command('create <name>')
    .description('create an API token; it is printed once')
    .addOption(new Option('--role <role>', 'what the token may do').choices(['admin', 'operator', 'viewer', 'consumer']).makeOptionMandatory())
    .option('--subject <subject>', 'who the token acts as (consumers own apps under it)')
    .option('--expires-in <duration>', 'lifetime (e.g. 90d); default: no expiry')
    .action(async (name: string, o: { role: string; subject?: string; expiresIn?: string }, cmd: Command) => {
      const body: Record<string, unknown> = { name, role: o.role };
      if (o.subject !== undefined) body.subject = o.subject;
      if (o.expiresIn !== undefined) {
        const { days, rounded } = parseDays(o.expiresIn, '--expires-in');
        if (rounded) ctx.note(`note: lifetime rounded up to ${days} day(s)`);
        body.expiresInDays = days;
      }
      const created = await ctx.client(cmd).post<{ token: TokenJson; secret: string }>('/v1/tokens', body);
      ctx.note('warning: the token is shown only this once; store it now. It cannot be retrieved later.');
      if (ctx.json(cmd)) return ctx.io.out(JSON.stringify(created, null, 2) + '\n');
      ctx.io.out(renderRecord({ token: created.secret, id: created.token.id, role: created.token.role, expires: created.token.expiresAt }));
    });

  token.command('revoke <id>').description('revoke an API token').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/tokens/${seg(id)}`);
    ctx.done(cmd, result ?? { id, revoked: true }, `revoked token ${id}`);
  });

  return token;
}
