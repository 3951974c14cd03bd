import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { seg } from '../options.ts';

interface ReconcileReport {
  providerId: string;
  fix: boolean;
  skipped: string | null;
  scanned: { idpClients: number; idpCredentials: number; storeApps: number; storeCredentials: number };
  counts: Record<string, number>;
  repaired: Record<string, number>;
  truncated: boolean;
  errors: { kind: string; target: string; code: string; message: string }[];
}

/** `gatehouse reconcile --provider P [--fix]`: compare the IdP with Gatehouse, report drift, optionally repair. */
export function reconcileCommand(ctx: CliContext): Command {
  return new Command('reconcile')
    .description('compare a provider\'s IdP with Gatehouse: report drift; with --fix, repair what is safe')
    .requiredOption('--provider <providerId>', 'the provider to reconcile')
    .option('--fix', 'repair what is safe (adopt, mark removed, purge lingering)')
    .action(async (o: { provider: string; fix?: boolean }, cmd: Command) => {
      ctx.note(`reconciling provider ${o.provider}${o.fix ? ' (fixing)' : ''}: reading the IdP and the store…`);
      const started = Date.now();
      const report = await ctx.client(cmd).request<ReconcileReport>('POST', `/v1/providers/${seg(o.provider)}/reconcile`, { query: { fix: o.fix ? 'true' : 'false' }, body: {} });
      ctx.note(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (ctx.json(cmd)) return ctx.io.out(JSON.stringify(report, null, 2) + '\n');
      if (report.skipped) return ctx.io.out(`nothing compared: ${report.skipped}\n`);
      const s = report.scanned;
      const lines = [`scanned ${s.idpClients} IdP client(s) with ${s.idpCredentials} credential(s); ${s.storeApps} app(s) with ${s.storeCredentials} credential(s) in Gatehouse`];
      const drift = Object.entries(report.counts).filter(([, n]) => n > 0);
      if (drift.length === 0) lines.push('no drift');
      for (const [kind, n] of drift) lines.push(`  ${kind}: ${n}${report.fix ? ` (repaired ${report.repaired[kind] ?? 0})` : ''}`);
      if (report.truncated) lines.push('(item lists truncated; counts are complete — use --json for the items)');
      for (const e of report.errors) lines.push(`error: ${e.kind} ${e.target}: ${e.message} (${e.code})`);
      if (!report.fix && drift.length > 0) lines.push(`repair what is safe with: gatehouse reconcile --provider ${o.provider} --fix`);
      ctx.io.out(lines.join('\n') + '\n');
    });
}
