import type { Job } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { Repositories } from '../../core/ports/store.ts';

export interface EnqueueInput {
  type: string;
  /** Idempotency key: while a job of this type and key is unfinished, enqueueing again returns it. */
  key: string;
  payload: Record<string, unknown>;
  /** Earliest start (epoch ms); default now. */
  runAt?: number;
}

/**
 * Adds a job inside the caller's transaction, so the job exists if and only if the state change that needs it
 * commits (e.g. "contract approved" and "onboard the app"). Returns the unfinished job with the same type+key
 * when there is one.
 */
export async function enqueueJob(tx: Repositories, now: number, input: EnqueueInput): Promise<{ job: Job; created: boolean }> {
  for (const state of ['pending', 'running'] as const) {
    const existing = await tx.jobs.list({ type: input.type, key: input.key, state }, { limit: 1 });
    if (existing.items[0]) return { job: existing.items[0], created: false };
  }
  const job: Job = {
    id: newId('job', now), type: input.type, key: input.key, state: 'pending', payload: input.payload, progress: {},
    attempts: 0, runAt: input.runAt ?? now, lockedBy: null, lockedUntil: null, lastError: null, createdAt: now, updatedAt: now,
  };
  await tx.jobs.insert(job);
  return { job, created: true };
}
