import type { Environment } from '../../core/domain.ts';

export const DAY_MS = 86_400_000;
export const DEFAULT_ALERT_THRESHOLDS_DAYS = [60, 30, 14, 7, 1] as const;

/** The environment's thresholds, cleaned: positive whole days, no duplicates, largest first; defaults when unset. */
export function alertThresholdsOf(env: Pick<Environment, 'settings'> | null): number[] {
  const raw = env?.settings?.alertThresholdsDays;
  const clean = Array.isArray(raw) ? [...new Set(raw.filter((d) => Number.isInteger(d) && d > 0))] : [];
  return (clean.length ? clean : [...DEFAULT_ALERT_THRESHOLDS_DAYS]).sort((a, b) => b - a);
}

export interface ThresholdPlan {
  /** The threshold to alert for now: the tightest one crossed. null when none is crossed. */
  fire: number | null;
  /** Looser thresholds crossed at the same time; recorded as superseded so they never fire later. */
  supersede: number[];
}

/**
 * Which thresholds a credential expiring at `expiresAt` has crossed at `now` (a threshold of d days is crossed
 * once now >= expiresAt - d days). When several are crossed at once — the credential was created or imported
 * late, or Gatehouse was down — only the tightest alerts: three mails saying 60, 30 and 14 days at the same
 * moment would teach people to ignore them.
 */
export function planThresholds(expiresAt: number, now: number, thresholdsDays: readonly number[]): ThresholdPlan {
  const crossed = thresholdsDays.filter((d) => now >= expiresAt - d * DAY_MS).sort((a, b) => a - b);
  if (crossed.length === 0) return { fire: null, supersede: [] };
  return { fire: crossed[0]!, supersede: crossed.slice(1) };
}

/** Whole days left, rounded up (an expiry 20 hours away is "1 day"); 0 or less once expired. */
export function daysLeft(expiresAt: number, now: number): number {
  return Math.ceil((expiresAt - now) / DAY_MS) + 0; // + 0 turns -0 into 0
}
