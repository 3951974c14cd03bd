/**
 * Retry schedule for notifications, counted from the previous attempt. Retries are durable: the alert ledger
 * stores the next attempt time and the scheduler picks it up on a later tick, so a restart loses none.
 * 1 try + 5 retries over about 7 hours, close to the Standard Webhooks guidance (exponential, hours not days).
 */
export const RETRY_DELAYS_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000] as const;

export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Delay before the attempt after `attemptsMade` failed ones, or null when it is time to give up. */
export function nextRetryDelayMs(attemptsMade: number): number | null {
  return attemptsMade >= 1 && attemptsMade < MAX_ATTEMPTS ? RETRY_DELAYS_MS[attemptsMade - 1]! : null;
}
