/**
 * Faults for one run, declared as data so a run is reproducible: the same config and seed give the same failures in
 * the same order. Everything time-based reads the emulator clock, never the wall clock (except `slowMs`, which
 * really waits).
 */
export interface FaultConfig {
  /**
   * Eventual consistency: for this long after a write, other requests do not see it yet — GET/PATCH/actions on a new
   * object answer 404, POST /servicePrincipals for a new app answers NoBackingApplicationObject, reads after a PATCH
   * return the previous version, and a new secret is refused at the token endpoint (AADSTS7000215).
   */
  replicationDelayMs?: number;
  /** Graph's resource-unit budget per app+tenant: exceeding it answers 429 with Retry-After until the window ends. */
  throttle?: { ruPerWindow: number; windowMs: number };
  /** Share (0..1) of requests answered 503 or 504, drawn from a PRNG seeded with `seed`. */
  failRate5xx?: number;
  /** Which statuses `failRate5xx` draws from (default both). */
  failStatuses?: (503 | 504)[];
  seed?: number;
  /** Every answer waits this long (real time). */
  slowMs?: number;
  /** Every Nth request (1-based count, per scope) has its connection destroyed without an answer. */
  dropConnectionEvery?: number;
  /** Where the transport faults (5xx, slow, drop, throttle) apply; replication delay always applies. Default ['graph']. */
  scope?: ('graph' | 'sts')[];
}

export type FaultScope = 'graph' | 'sts';

export function validateFaultConfig(input: unknown): FaultConfig {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new Error('fault config must be an object');
  const c = input as Record<string, unknown>;
  const nonNegative = (name: string) => {
    if (c[name] !== undefined && (typeof c[name] !== 'number' || (c[name] as number) < 0)) throw new Error(`${name} must be a number >= 0`);
  };
  ['replicationDelayMs', 'failRate5xx', 'seed', 'slowMs', 'dropConnectionEvery'].forEach(nonNegative);
  if (typeof c.failRate5xx === 'number' && c.failRate5xx > 1) throw new Error('failRate5xx must be between 0 and 1');
  if (c.throttle !== undefined) {
    const t = c.throttle as Record<string, unknown>;
    if (typeof t?.ruPerWindow !== 'number' || typeof t?.windowMs !== 'number' || t.windowMs <= 0) {
      throw new Error('throttle needs ruPerWindow and windowMs > 0');
    }
  }
  if (c.scope !== undefined && (!Array.isArray(c.scope) || c.scope.some((s) => s !== 'graph' && s !== 'sts'))) {
    throw new Error("scope must be a list of 'graph' and 'sts'");
  }
  return c as FaultConfig;
}
