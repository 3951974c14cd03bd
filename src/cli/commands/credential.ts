import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { isoDuration, parseDays, parseDurationMs } from '../duration.ts';
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
  { header: 'seen by', value: (c) => c.lastUsedSource },
];

interface InventoryJson {
  credential: CredentialJson;
  owner: { type: 'app' | 'provider'; id: string; name: string | null };
  environments: { id: string; name: string }[];
  expiresInDays: number | null;
  lastUsedAt: string | null;
  lastUsedSource: 'credential' | 'idp' | 'app' | null;
}

interface RotatedJson {
  credential: CredentialJson;
  clientId: string | null;
  retiring: CredentialJson[];
  secret?: string;
  deliveryUrl?: string;
  deliveryExpiresAt?: string;
}

/** 'idp': the IdP's sign-in report for this very credential; 'gateway (app)': the app's gateway activity, any credential. */
const SEEN_BY: Record<NonNullable<InventoryJson['lastUsedSource']>, string> = { credential: 'gateway', idp: 'idp', app: 'gateway (app)' };

const inventoryColumns: Column<InventoryJson>[] = [
  { header: 'owner', value: (i) => `${i.owner.type === 'provider' ? 'provider:' : ''}${i.owner.name ?? i.owner.id}` },
  { header: 'environment', value: (i) => i.environments.map((e) => e.name).join(',') },
  { header: 'credential', value: (i) => i.credential.id },
  { header: 'hint', value: (i) => i.credential.hint },
  { header: 'state', value: (i) => i.credential.state },
  { header: 'expires', value: (i) => i.credential.expiresAt },
  { header: 'days left', value: (i) => i.expiresInDays },
  { header: 'last used', value: (i) => i.lastUsedAt },
  { header: 'seen by', value: (i) => (i.lastUsedSource ? SEEN_BY[i.lastUsedSource] : null) },
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
      .description("credentials with their expiry: one app's (--app), or the inventory of every app and provider")
      .option('--app <appId>', 'only this client app')
      .option('--expiring-within <duration>', 'only credentials expiring within this time (e.g. 30d)')
      .option('--env <environmentId>', 'inventory: only this environment'),
  ).action(async (o: { app?: string; expiringWithin?: string; env?: string } & PagingOptions, cmd: Command) => {
    if (o.app === undefined) {
      const query = {
        ...(o.expiringWithin !== undefined && { expiringWithin: isoDuration(o.expiringWithin, '--expiring-within') }),
        ...(o.env !== undefined && { environmentId: o.env }),
      };
      const page = await ctx.client(cmd).get<{ items: InventoryJson[]; nextCursor: string | null }>('/v1/credentials', query);
      return ctx.list(cmd, page, inventoryColumns);
    }
    const page = await fetchList<CredentialJson>(ctx, cmd, `/v1/apps/${seg(o.app)}/credentials`, {}, o);
    if (o.expiringWithin !== undefined) {
      // Filtered here: the API lists per app, and an app has a handful of credentials.
      const horizon = ctx.io.now() + parseDurationMs(o.expiringWithin, 'd', '--expiring-within');
      page.items = page.items.filter((c) => c.state !== 'removed' && c.expiresAt !== null && Date.parse(c.expiresAt) <= horizon);
    }
    ctx.list(cmd, page, columns);
  });

  credential
    .command('rotate')
    .description("rotate an app's secret without downtime: a new secret now, the old ones keep working for the grace period")
    .requiredOption('--app <appId>', 'the client app')
    .option('--grace <duration>', 'how long the replaced secrets keep working (default 7d; 0 = retire at once)')
    .option('--link', 'hand the new secret over as a one-time link instead of printing it')
    .action(async (o: { app: string; grace?: string; link?: boolean }, cmd: Command) => {
      const body: Record<string, unknown> = {};
      if (o.grace !== undefined) body.graceDays = o.grace.trim() === '0' ? 0 : parseDays(o.grace, '--grace').days;
      if (o.link) body.delivery = 'link';
      const rotated = await ctx.client(cmd).post<RotatedJson>(`/v1/apps/${seg(o.app)}/credentials/rotate`, body);
      if (ctx.json(cmd)) return ctx.io.out(JSON.stringify(rotated, null, 2) + '\n');
      if (rotated.secret !== undefined) ctx.note('warning: the new secret is shown only this once; store it now.');
      ctx.io.out(renderRecord({
        'client id': rotated.clientId,
        ...(rotated.secret !== undefined ? { 'client secret': rotated.secret } : {}),
        ...(rotated.deliveryUrl ? { 'one-time link': rotated.deliveryUrl, 'link expires': rotated.deliveryExpiresAt } : {}),
        'credential id': rotated.credential.id,
        expires: rotated.credential.expiresAt,
        retiring: rotated.retiring.map((c) => `${c.id} (until ${c.retireAt ?? 'now'})`).join(', ') || '(none)',
      }));
    });

  credential
    .command('finish-rotation <credentialId>')
    .description('remove a retiring credential now, ending its grace period early')
    .action(async (credentialId: string, _o, cmd: Command) => {
      const removed = await ctx.client(cmd).post<CredentialJson>(`/v1/credentials/${seg(credentialId)}/finish-rotation`, {});
      ctx.done(cmd, removed, `removed credential ${removed.id} (${removed.state})`);
    });

  credential
    .command('extend-grace <credentialId>')
    .description('keep a retiring secret working longer, for a client that has not deployed its new secret yet (admin, operator)')
    .requiredOption('--app <appId>', 'the client app')
    .requiredOption('--by <duration>', 'added to the end of the grace period (e.g. 3d; the end may be at most 30 days from now)')
    .action(async (credentialId: string, o: { app: string; by: string }, cmd: Command) => {
      const { days, rounded } = parseDays(o.by, '--by');
      if (rounded) ctx.note(`note: rounded up to ${days} day(s), the API counts whole days`);
      const extended = await ctx.client(cmd).post<CredentialJson>(`/v1/apps/${seg(o.app)}/credentials/${seg(credentialId)}/extend-grace`, { days });
      ctx.done(cmd, extended, `credential ${extended.id} keeps working until ${extended.retireAt ?? '(unknown)'}`);
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
