import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { parseTimeArg } from '../duration.ts';
import { ApiError } from '../errors.ts';
import { addPaging, type PagingOptions, fetchList } from '../options.ts';
import type { Column } from '../table.ts';
import type { AuditEventJson } from '../wire.ts';

const columns: Column<AuditEventJson>[] = [
  { header: 'seq', value: (e) => e.seq },
  { header: 'at', value: (e) => e.at },
  { header: 'type', value: (e) => e.type },
  { header: 'entity', value: (e) => e.entityId },
  { header: 'actor', value: (e) => e.actor },
  { header: 'idp activity', value: (e) => e.idpActivity },
];

interface Verification {
  ok: boolean;
  checked: number;
  problem: { seq: number; kind: string; detail: string } | null;
}

export function auditCommand(ctx: CliContext): Command {
  const audit = new Command('audit').description('the tamper-evident audit log of every change');

  addPaging(
    audit
      .command('list')
      .description('list audit events, oldest first (--newest-first for the latest)')
      .option('--entity-type <type>', 'e.g. app, contract, credential')
      .option('--entity-id <id>', 'one entity')
      .option('--actor <actor>', 'who made the change')
      .option('--type <eventType>', 'e.g. contract.approved')
      .option('--from <time>', 'ISO time, or a duration ago (24h)')
      .option('--to <time>', 'ISO time, or a duration ago')
      .option('--newest-first', 'latest events first'),
  ).action(async (o: { entityType?: string; entityId?: string; actor?: string; type?: string; from?: string; to?: string; newestFirst?: boolean } & PagingOptions, cmd: Command) => {
    const now = ctx.io.now();
    const query = {
      entityType: o.entityType,
      entityId: o.entityId,
      actor: o.actor,
      type: o.type,
      from: o.from === undefined ? undefined : parseTimeArg(o.from, now, '--from'),
      to: o.to === undefined ? undefined : parseTimeArg(o.to, now, '--to'),
      order: o.newestFirst ? 'desc' : undefined,
    };
    ctx.list(cmd, await fetchList<AuditEventJson>(ctx, cmd, '/v1/audit', query, o), columns);
  });

  audit
    .command('verify')
    .description('recompute the hash chain; exits 1 if any event was changed, removed or inserted')
    .action(async (_o, cmd: Command) => {
      const result = await ctx.client(cmd).get<Verification>('/v1/audit/verify');
      ctx.done(cmd, result, result.ok ? `audit log intact: ${result.checked} events checked` : `audit log BROKEN after ${result.checked} events`);
      if (!result.ok) {
        const p = result.problem;
        throw new ApiError('AUDIT_CHAIN_BROKEN', p ? `event ${p.seq}: ${p.kind} (${p.detail})` : 'the chain does not verify', 200);
      }
    });

  return audit;
}
