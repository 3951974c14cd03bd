import type { AppActivity, UsageRollup } from '../../core/domain.ts';

export const MAX_SOURCE_ADDRESSES = 20;

/** Folds rows with the same (minute, api, app, status class) into one. */
export function mergeRollups(rows: UsageRollup[]): UsageRollup[] {
  const byKey = new Map<string, UsageRollup>();
  for (const r of rows) {
    const key = JSON.stringify([r.minute, r.apiId, r.appId, r.statusClass]);
    const seen = byKey.get(key);
    byKey.set(
      key,
      seen
        ? { ...seen, count: seen.count + r.count, latencySumMs: seen.latencySumMs + r.latencySumMs, latencyMaxMs: Math.max(seen.latencyMaxMs, r.latencyMaxMs) }
        : { ...r },
    );
  }
  return [...byKey.values()];
}

/**
 * Keeps the later lastSeenAt; addresses of the newer report go first, duplicates keep their newest position,
 * and only the most recent MAX_SOURCE_ADDRESSES stay.
 */
export function mergeActivity(stored: AppActivity, incoming: AppActivity): AppActivity {
  const incomingIsNewer = incoming.lastSeenAt >= stored.lastSeenAt;
  const ordered = incomingIsNewer
    ? [...incoming.sourceAddresses, ...stored.sourceAddresses]
    : [...stored.sourceAddresses, ...incoming.sourceAddresses];
  return {
    appId: stored.appId,
    lastSeenAt: Math.max(stored.lastSeenAt, incoming.lastSeenAt),
    sourceAddresses: [...new Set(ordered)].slice(0, MAX_SOURCE_ADDRESSES),
  };
}
