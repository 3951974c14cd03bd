import type { ManagementClient } from '../client.ts';
import { ApiError, CliError } from '../errors.ts';
import { seg } from '../options.ts';
import type { Plan, PlanItem, Write } from './plan.ts';
import { Ref } from './resolve.ts';

/**
 * Runs a plan's writes in order, one API call at a time (each is its own transaction with its own audit event).
 * Stops at the first failure: what ran stays done, and since the plan is recomputed from Gatehouse's state on
 * every run, running apply again picks up where this one stopped.
 */
export type Result = 'created' | 'updated' | 'unchanged' | 'failed' | 'not attempted';

export interface Outcome {
  item: PlanItem;
  result: Result;
  id: string | null;
  error?: { code: string; detail: string; status?: number; errors?: { path: string; message: string }[] };
}

export async function executePlan(client: ManagementClient, plan: Plan): Promise<{ outcomes: Outcome[]; failure: unknown }> {
  const ids = new Map<string, string>();
  for (const item of plan.items) if (item.ref && item.id) ids.set(item.ref, item.id);
  const outcomes: Outcome[] = [];
  let failure: unknown = null;

  for (const item of plan.items) {
    if (failure) {
      outcomes.push({ item, result: item.action === 'unchanged' ? 'unchanged' : 'not attempted', id: item.id });
      continue;
    }
    if (item.action === 'unchanged') {
      outcomes.push({ item, result: 'unchanged', id: item.id });
      continue;
    }
    let id = item.id;
    try {
      for (const write of item.writes) {
        const answer = await send(client, write, ids);
        if (item.action === 'create' && id === null) {
          id = answer.id;
          if (item.ref) ids.set(item.ref, answer.id);
        }
        if (write.approveIfRequested && answer.state === 'requested') await client.post(`/v1/contracts/${seg(answer.id)}/approve`, {});
      }
      outcomes.push({ item, result: item.action === 'create' ? 'created' : 'updated', id });
    } catch (error) {
      failure = error;
      outcomes.push({ item, result: 'failed', id, error: describe(error) });
    }
  }
  return { outcomes, failure };
}

function send(client: ManagementClient, write: Write, ids: Map<string, string>): Promise<{ id: string; state?: string }> {
  const resolve = (value: unknown) => {
    if (!(value instanceof Ref)) return value;
    const id = ids.get(value.key);
    // The plan orders parents before children and stops at the first failure, so a missing id is a bug.
    if (!id) throw new Error(`apply: ${value.key} was not created before it was needed`);
    return id;
  };
  const path = write.path.map((part) => (part instanceof Ref ? seg(String(resolve(part))) : typeof part === 'string' && part.startsWith('/') ? part : seg(part))).join('');
  const body = Object.fromEntries(Object.entries(write.body).map(([k, v]) => [k, resolve(v)]));
  return write.method === 'POST' ? client.post(path, body) : client.patch(path, body);
}

function describe(error: unknown): Outcome['error'] {
  if (error instanceof ApiError) return { code: error.code, detail: error.message, status: error.status, ...(error.fieldErrors.length && { errors: error.fieldErrors }) };
  if (error instanceof CliError) return { code: error.code, detail: error.message };
  return { code: 'INTERNAL', detail: error instanceof Error ? error.message : String(error) };
}
