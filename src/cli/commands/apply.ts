import { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { executePlan } from '../apply/execute.ts';
import { parseDocument, readSource } from '../apply/load.ts';
import { computePlan } from '../apply/plan.ts';
import { ProblemsError, refused } from '../apply/problems.ts';
import { outcomeJson, planJson, renderOutcomeText, renderPlanText } from '../apply/render.ts';
import { readRemoteState } from '../apply/state.ts';

/**
 * `gatehouse apply -f gatehouse.yaml [--dry-run]` (docs/apply.md): validate the whole file, resolve its names
 * against Gatehouse, compute a plan, and — unless --dry-run — carry it out through the management API in dependency
 * order. Nothing is written unless the whole file is valid and every name resolves; an unchanged item costs no
 * write, so a second run of the same file leaves the audit log as it was.
 */
export function applyCommand(ctx: CliContext): Command {
  return new Command('apply')
    .description('make Gatehouse match a file of environments, APIs, tiers, apps and contracts (idempotent; see docs/apply.md)')
    .requiredOption('-f, --file <path>', 'the file (YAML or JSON); "-" reads stdin')
    .option('--dry-run', 'print the plan (what would change, field by field) and change nothing')
    .action(async (o: { file: string; dryRun?: boolean }, cmd: Command) => {
      try {
        await apply(ctx, cmd, o.file, Boolean(o.dryRun));
      } catch (error) {
        if (error instanceof ProblemsError) ctx.io.err(error.lines());
        throw error;
      }
    });
}

async function apply(ctx: CliContext, cmd: Command, file: string, dryRun: boolean): Promise<void> {
  const { text, source } = await readSource(file);
  const doc = parseDocument(text, source);
  const client = ctx.client(cmd);
  const { plan, problems } = computePlan(doc, await readRemoteState(client, doc));
  if (problems.length) throw refused(source, problems);

  const json = ctx.json(cmd);
  if (dryRun) {
    ctx.io.out(json ? JSON.stringify(planJson(plan, true), null, 2) + '\n' : renderPlanText(plan) + 'Dry run: nothing was changed.\n');
    return;
  }
  const { outcomes, failure } = await executePlan(client, plan);
  ctx.io.out(json ? JSON.stringify(outcomeJson(plan, outcomes), null, 2) + '\n' : renderOutcomeText(plan, outcomes));
  // The API's own error (problem+json detail and code) becomes the exit status and the last line on stderr.
  if (failure) throw failure;
}
