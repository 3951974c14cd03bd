import type { FieldChange } from './diff.ts';
import type { Outcome, Result } from './execute.ts';
import type { Plan, PlanItem } from './plan.ts';

/**
 * How a plan and its outcome read: for people, one line per item (`+` create, `~` update, `=` unchanged) with one
 * indented line per field; for scripts (`--json`), the same facts as one object. Items Gatehouse holds but the file
 * does not mention are listed, never touched.
 */
const value = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));

function fieldLines(changes: FieldChange[]): string[] {
  return changes.map((c) => ('from' in c ? `    ${c.field}: ${value(c.from)} → ${value(c.to)}` : `    ${c.field}: ${value(c.to)}`));
}

const SIGN = { create: '+', update: '~', unchanged: '=' } as const;
const idSuffix = (id: string | null) => (id ? ` [${id}]` : '');

function notInFileLines(plan: Plan): string[] {
  return plan.notInFile.map((n) => `? not in file, left alone: ${n.kind} ${n.label} [${n.id}]`);
}

function count<T>(list: T[], pick: (t: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of list) counts[pick(t)] = (counts[pick(t)] ?? 0) + 1;
  return counts;
}

export function renderPlanText(plan: Plan): string {
  const lines: string[] = [];
  for (const item of plan.items) {
    lines.push(`${SIGN[item.action]} ${item.action} ${item.kind} ${item.label}${idSuffix(item.id)}`, ...fieldLines(item.changes));
    if (item.note) lines.push(`    note: ${item.note}`);
  }
  lines.push(...notInFileLines(plan));
  const n = count(plan.items, (i) => i.action);
  lines.push(`Plan: ${n.create ?? 0} to create, ${n.update ?? 0} to update, ${n.unchanged ?? 0} unchanged; ${plan.notInFile.length} not in file (left alone).`);
  return lines.join('\n') + '\n';
}

const VERB: Record<Result, string> = { created: 'created', updated: 'updated', unchanged: 'unchanged', failed: 'FAILED to apply', 'not attempted': 'not attempted:' };

export function renderOutcomeText(plan: Plan, outcomes: Outcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes) {
    lines.push(`${VERB[o.result]} ${o.item.kind} ${o.item.label}${idSuffix(o.id)}`);
    if (o.result !== 'unchanged') lines.push(...fieldLines(o.item.changes));
    if (o.error) lines.push(`    error: ${o.error.detail} (${o.error.code})`, ...(o.error.errors ?? []).map((e) => `    ${e.path}: ${e.message}`));
  }
  lines.push(...notInFileLines(plan));
  const n = count(outcomes, (o) => o.result);
  const done = `${n.created ?? 0} created, ${n.updated ?? 0} updated, ${n.unchanged ?? 0} unchanged`;
  lines.push(n.failed
    ? `Stopped: ${done}, 1 failed, ${n['not attempted'] ?? 0} not attempted. Fix the cause and run apply again to continue.`
    : `Applied: ${done}; ${plan.notInFile.length} not in file (left alone).`);
  return lines.join('\n') + '\n';
}

function itemJson(item: PlanItem) {
  return { kind: item.kind, name: item.label, path: item.path, action: item.action, id: item.id, changes: item.changes, ...(item.note && { note: item.note }) };
}

export function planJson(plan: Plan, dryRun: boolean) {
  const n = count(plan.items, (i) => i.action);
  return {
    dryRun,
    items: plan.items.map(itemJson),
    notInFile: plan.notInFile,
    summary: { create: n.create ?? 0, update: n.update ?? 0, unchanged: n.unchanged ?? 0, notInFile: plan.notInFile.length },
  };
}

export function outcomeJson(plan: Plan, outcomes: Outcome[]) {
  const n = count(outcomes, (o) => o.result);
  return {
    dryRun: false,
    items: outcomes.map((o) => ({ ...itemJson(o.item), id: o.id, result: o.result, ...(o.error && { error: o.error }) })),
    notInFile: plan.notInFile,
    summary: {
      created: n.created ?? 0, updated: n.updated ?? 0, unchanged: n.unchanged ?? 0, failed: n.failed ?? 0,
      notAttempted: n['not attempted'] ?? 0, notInFile: plan.notInFile.length,
    },
  };
}
