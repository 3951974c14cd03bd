import { usageError } from './errors.ts';

/**
 * Durations on the command line: `30d`, `12h`, `90m`, `45s`, `2w`, or a bare number in the caller's default unit
 * (days for lifetimes, seconds for rate-limit windows).
 */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i;

export function parseDurationMs(text: string, defaultUnit: keyof typeof UNIT_MS, what = 'duration'): number {
  const match = PATTERN.exec(text.trim());
  if (!match) throw usageError(`${what} "${text}" is not a duration; use e.g. 30d, 12h, 90m, 45s`);
  const unit = (match[2] ?? defaultUnit).toLowerCase();
  const ms = Number(match[1]) * UNIT_MS[unit]!;
  if (!(ms > 0)) throw usageError(`${what} must be greater than zero`);
  return ms;
}

/**
 * Days for API fields counted in whole days (`expiresInDays`). A shorter duration is rounded up to the next whole
 * day, because the API cannot express less; `rounded` tells the caller to say so.
 */
export function parseDays(text: string, what = 'duration'): { days: number; rounded: boolean } {
  const exact = parseDurationMs(text, 'd', what) / UNIT_MS.d!;
  const days = Math.ceil(exact - 1e-9);
  return { days, rounded: days !== exact };
}

/** Whole seconds for rate-limit windows (`60`, `60s`, `1m`, `1h`). */
export function parseSeconds(text: string, what = 'window'): number {
  const seconds = parseDurationMs(text, 's', what) / 1000;
  if (!Number.isInteger(seconds)) throw usageError(`${what} must be a whole number of seconds`);
  return seconds;
}

/**
 * A point in time for `--from` / `--to`: an ISO 8601 date or time, or a duration meaning "that long ago"
 * (`24h` → now minus 24 hours). Returned as the ISO string the API expects.
 */
export function parseTimeArg(text: string, now: number = Date.now(), what = 'time'): string {
  if (PATTERN.test(text.trim())) return new Date(now - parseDurationMs(text, 'd', what)).toISOString();
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw usageError(`${what} "${text}" is neither an ISO time (2026-11-27T08:00:00Z) nor a duration ago (24h)`);
  return new Date(t).toISOString();
}

/** A command-line duration as the API's ISO 8601 form: whole days → `P30D`, else whole seconds → `PT90S`. */
export function isoDuration(text: string, what = 'duration'): string {
  const ms = parseDurationMs(text, 'd', what);
  if (ms % UNIT_MS.d! === 0) return `P${ms / UNIT_MS.d!}D`;
  const seconds = Math.ceil(ms / 1000);
  return `PT${seconds}S`;
}
