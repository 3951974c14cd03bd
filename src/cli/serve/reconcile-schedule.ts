import { DEFAULT_RECONCILE_INTERVAL_MS } from '../../control/reconcile/index.ts';
import { parseDurationMs } from '../duration.ts';
import { usageError } from '../errors.ts';

const OFF = ['0', 'off', 'false', 'no', 'never'];
const ON = ['1', 'on', 'true', 'yes'];
/** Below this a run could still be going when the next is due, and Graph's read budget is spent on nothing new. */
const MIN_INTERVAL_MS = 5 * 60_000;

/**
 * `gatehouse serve`'s scheduled reconcile from `--reconcile-interval` / GATEHOUSE_RECONCILE_INTERVAL (`6h`, `1d`,
 * `off`; default 6h) and GATEHOUSE_RECONCILE_FIX (default off: drift is reported and audited, repairs wait for a person).
 */
export function reconcileScheduleFrom(interval: string | undefined, fix: string | undefined): { intervalMs: number; fix: boolean } | undefined {
  const text = (interval ?? '').trim().toLowerCase();
  if (OFF.includes(text)) return undefined;
  const intervalMs = text === '' ? DEFAULT_RECONCILE_INTERVAL_MS : parseDurationMs(text, 'h', 'reconcile interval');
  if (intervalMs < MIN_INTERVAL_MS) throw usageError(`reconcile interval "${interval}" is too short; use at least 5m, or "off"`);
  const fixText = (fix ?? '').trim().toLowerCase();
  if (fixText !== '' && !ON.includes(fixText) && !OFF.includes(fixText)) {
    throw usageError(`GATEHOUSE_RECONCILE_FIX "${fix}" is not a yes/no value; use 1 or 0`);
  }
  return { intervalMs, fix: ON.includes(fixText) };
}
