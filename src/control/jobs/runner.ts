import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { systemClock } from '../../core/clock.ts';
import type { Job } from '../../core/domain.ts';
import { isGatehouseError } from '../../core/errors.ts';
import type { Store } from '../../core/ports/store.ts';
import type { Logger } from '../../platform/logger.ts';
import { silentLogger } from '../../platform/logger.ts';
import { LeaseLostError, type JobContext, type JobHandler } from './types.ts';

export interface JobRunnerOptions {
  store: Store;
  handlers: JobHandler[];
  clock?: Clock;
  logger?: Logger;
  /** Lease owner id; default `runner-<random>`. A restarted process gets a new one and waits for old leases to lapse. */
  owner?: string;
  /** Lease length; a crashed runner's jobs are picked up this long after its last heartbeat. Default 30 s. */
  lockMs?: number;
  /** Jobs run at once by this runner. Default 4. */
  concurrency?: number;
  /** Idle wait between polls. Default 500 ms. */
  pollMs?: number;
  /** Default attempts before a job gives up. Default 8. */
  maxAttempts?: number;
  /** Delay before retry n (1-based). Default 2 s doubling to 10 min, jittered. */
  retryDelayMs?: (attempt: number) => number;
}

export interface JobRunner {
  readonly owner: string;
  /** Starts polling in the background. */
  start(): void;
  /** Stops polling and waits for running jobs to finish their current attempt. */
  stop(): Promise<void>;
  /** Claims and runs one due job; false when none is due. */
  runOne(): Promise<boolean>;
  /** Runs due jobs until none is due (tests and CLI one-shots). */
  runUntilIdle(): Promise<number>;
  /** Wakes idle workers now (after enqueueing). */
  wake(): void;
}

const defaultRetryDelay = (attempt: number) =>
  Math.round(Math.min(600_000, 2_000 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5));

/**
 * Retry rules: IDP_UNAVAILABLE, STORE_UNAVAILABLE and non-Gatehouse (unexpected) errors are transient (retried with backoff, at
 * least the IdP's Retry-After); any other GatehouseError (IDP_REJECTED, VALIDATION_FAILED, NOT_FOUND…) is final and
 * gives up at once. On give-up the handler's `onGiveUp` compensates; the job ends `failed` with its last error.
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? silentLogger;
  const owner = options.owner ?? `runner-${randomBytes(6).toString('hex')}`;
  const lockMs = options.lockMs ?? 30_000;
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 500;
  const retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  const handlers = new Map(options.handlers.map((h) => [h.type, h]));
  const types = [...handlers.keys()];

  let claims = 0;
  let running = false;
  let loops: Promise<void>[] = [];
  let wakeUp: (() => void)[] = [];

  async function runOne(): Promise<boolean> {
    // Each claim gets its own lock token, so a slow execution whose lease lapsed cannot commit even when this same
    // runner has meanwhile re-claimed the job.
    const token = `${owner}/${++claims}`;
    const job = await store.jobs.claimNext(token, clock.now(), lockMs, types);
    if (!job) return false;
    await execute(job, token);
    return true;
  }

  async function execute(claimed: Job, token: string): Promise<void> {
    const handler = handlers.get(claimed.type)!;
    const progress: Record<string, unknown> = { ...claimed.progress };
    const ctx: JobContext = {
      job: claimed, store, clock, owner, progress,
      async commit(patch, apply) {
        await store.transaction(async (tx) => {
          const current = await tx.jobs.get(claimed.id);
          if (!current || current.lockedBy !== token || current.state !== 'running') throw new LeaseLostError(claimed.id);
          // The row is the truth: others may have changed progress meanwhile (e.g. a one-time delivery was claimed).
          const merged = { ...current.progress, ...patch };
          for (const k of Object.keys(progress)) delete progress[k];
          Object.assign(progress, merged);
          await tx.jobs.update({ ...current, progress: merged, lockedUntil: clock.now() + lockMs, updatedAt: clock.now() });
          if (apply) await apply(tx);
        });
      },
      heartbeat() {
        return ctx.commit({});
      },
    };
    const beat = setInterval(() => { ctx.heartbeat().catch(() => {}); }, Math.max(50, lockMs / 3));
    beat.unref();
    try {
      const result = await handler.run(ctx);
      clearInterval(beat);
      await finish(ctx, token, { state: 'succeeded', patch: result ? { result } : {}, lastError: null });
      log.info({ job: claimed.id, type: claimed.type }, 'job succeeded');
    } catch (error) {
      clearInterval(beat);
      if (error instanceof LeaseLostError) {
        log.warn({ job: claimed.id }, error.message);
        return;
      }
      const maxAttempts = handler.maxAttempts ?? options.maxAttempts ?? 8;
      const transient = !isGatehouseError(error) || ['IDP_UNAVAILABLE', 'STORE_UNAVAILABLE'].includes(error.code);
      const message = describe(error);
      if (transient && claimed.attempts < maxAttempts) {
        const retryAfter = isGatehouseError(error) && typeof error.extras.retryAfterSeconds === 'number'
          ? error.extras.retryAfterSeconds * 1000 : 0;
        const delay = Math.max(retryDelay(claimed.attempts), retryAfter);
        await finish(ctx, token, { state: 'pending', patch: {}, lastError: message, runAt: clock.now() + delay });
        log.warn({ job: claimed.id, type: claimed.type, attempt: claimed.attempts, delay, err: message }, 'job will retry');
        return;
      }
      let compensationFailed: string | null = null;
      try {
        await handler.onGiveUp?.(ctx, error);
      } catch (compensation) {
        log.error({ job: claimed.id, err: describe(compensation) }, 'job compensation failed; left for reconciliation');
        compensationFailed = describe(compensation);
      }
      await finish(ctx, token, { state: 'failed', patch: compensationFailed ? { compensationFailed } : {}, lastError: message });
      log.error({ job: claimed.id, type: claimed.type, err: message }, 'job gave up');
    }
  }

  async function finish(ctx: JobContext, token: string, end: { state: Job['state']; patch: Record<string, unknown>; lastError: string | null; runAt?: number }) {
    try {
      await store.transaction(async (tx) => {
        const current = await tx.jobs.get(ctx.job.id);
        if (!current || current.lockedBy !== token) throw new LeaseLostError(ctx.job.id);
        await tx.jobs.update({
          ...current, state: end.state, progress: { ...current.progress, ...end.patch }, lastError: end.lastError,
          runAt: end.runAt ?? current.runAt, lockedBy: null, lockedUntil: null, updatedAt: clock.now(),
        });
      });
    } catch (e) {
      if (!(e instanceof LeaseLostError)) throw e;
      log.warn({ job: ctx.job.id }, e.message);
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      let worked = false;
      try {
        worked = await runOne();
      } catch (e) {
        log.error({ err: describe(e) }, 'job runner error');
      }
      if (!worked && running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, pollMs);
          wakeUp.push(() => { clearTimeout(t); resolve(); });
        });
      }
    }
  }

  return {
    owner,
    start() {
      if (running) return;
      running = true;
      loops = Array.from({ length: concurrency }, () => loop());
    },
    async stop() {
      running = false;
      this.wake();
      await Promise.all(loops);
      loops = [];
    },
    runOne,
    async runUntilIdle() {
      let n = 0;
      while (await runOne()) n++;
      return n;
    },
    wake() {
      const w = wakeUp;
      wakeUp = [];
      for (const f of w) f();
    },
  };
}

/** Error text for job.lastError: the detail and IdP hint, never a stack or a secret. */
function describe(error: unknown): string {
  if (isGatehouseError(error)) {
    const hint = typeof error.extras.hint === 'string' ? ` ${error.extras.hint}` : '';
    const code = typeof error.extras.idpCode === 'string' ? ` [${error.extras.idpCode}]` : '';
    return `${error.code}${code}: ${error.message}${hint}`.slice(0, 2000);
  }
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 2000);
}
