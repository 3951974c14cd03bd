import type { Clock } from '../../core/clock.ts';
import type { Job } from '../../core/domain.ts';
import type { Repositories, Store } from '../../core/ports/store.ts';

/**
 * Durable jobs: long work (onboarding, offboarding, purge, resource-app setup) recorded in `store.jobs`, claimed with a
 * lease, retried with backoff, and resumable after a crash because each finished step is saved in `job.progress`
 * in the same transaction as the state it produced.
 */
export interface JobContext {
  /** The job as claimed (payload is the input; progress is what earlier attempts finished). */
  readonly job: Job;
  readonly store: Store;
  readonly clock: Clock;
  /** This runner's lease owner id. */
  readonly owner: string;
  /** Progress so far (earlier attempts + this one). */
  readonly progress: Record<string, unknown>;
  /**
   * Records a finished step: merges `patch` into progress and runs `apply` (state changes + audit events) in one
   * transaction, after checking this runner still holds the lease (else throws LeaseLostError and nothing commits).
   */
  commit(patch: Record<string, unknown>, apply?: (tx: Repositories) => Promise<void>): Promise<void>;
  /** Extends the lease; the runner also does it on a timer while the handler runs. */
  heartbeat(): Promise<void>;
}

export interface JobHandler {
  type: string;
  /** Attempts before giving up (default: the runner's). */
  maxAttempts?: number;
  /** Does the work; returns the result, stored under progress.result. Throwing retries or gives up (see runner). */
  run(ctx: JobContext): Promise<Record<string, unknown> | void>;
  /** Called once when the job gives up, to compensate (undo IdP objects) or leave a record for reconciliation. */
  onGiveUp?(ctx: JobContext, error: unknown): Promise<void>;
}

export class LeaseLostError extends Error {
  constructor(jobId: string) {
    super(`Lost the lease on job ${jobId}; another runner owns it now.`);
    this.name = 'LeaseLostError';
  }
}
