import { GatehouseError } from '../../core/errors.ts';

/**
 * ISO 8601 durations for query parameters (`expiringWithin=P30D`, `unusedFor=P90D`): weeks, days, hours,
 * minutes and seconds (`P2W`, `P30D`, `P1DT12H`, `PT90M`). Years and months are refused because their length
 * depends on the calendar; say `P365D` or `P30D` instead. The result is in milliseconds, > 0, at most 100 years.
 */
const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const MAX_MS = 100 * 365 * UNIT_MS.d;

export function parseIsoDuration(text: string, field = 'duration'): number {
  const value = text.trim().toUpperCase();
  const m = PATTERN.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) throw invalid(field, `"${text}" is not an ISO 8601 duration such as P30D, P2W or PT12H`);
  const [, years, months, w, d, h, min, s] = m;
  if (years !== undefined || months !== undefined) {
    throw invalid(field, `"${text}" uses years or months, whose length varies; give days instead (e.g. P30D, P365D)`);
  }
  const ms =
    Number(w ?? 0) * UNIT_MS.w +
    Number(d ?? 0) * UNIT_MS.d +
    Number(h ?? 0) * UNIT_MS.h +
    Number(min ?? 0) * UNIT_MS.m +
    Math.round(Number((s ?? '0').replace(',', '.')) * UNIT_MS.s);
  if (!(ms > 0)) throw invalid(field, 'must be longer than zero');
  if (ms > MAX_MS) throw invalid(field, 'must be at most 100 years');
  return ms;
}

/** Milliseconds back to the form the parser accepts (`P30D`, `PT12H`, `P1DT2H30M`), for echoing a filter. */
export function formatIsoDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  const part = (unitSeconds: number, label: string) => {
    const n = Math.floor(rest / unitSeconds);
    rest -= n * unitSeconds;
    return n ? `${n}${label}` : '';
  };
  const days = part(86_400, 'D');
  const time = part(3600, 'H') + part(60, 'M') + part(1, 'S');
  return days || time ? `P${days}${time ? `T${time}` : ''}` : 'PT0S';
}

function invalid(field: string, message: string): GatehouseError {
  return new GatehouseError('VALIDATION_FAILED', `${field}: ${message}.`, { errors: [{ path: field, message }] });
}
