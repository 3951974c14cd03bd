import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../../../core/clock.ts';
import { getJson, IdpFetchError, type JsonGet } from './http-json.ts';

/**
 * One issuer's signing keys, cached. Hand-rolled on jose's `importJWK` rather than wrapping `createRemoteJWKSet`
 * because the gateway needs what that helper does not offer: serving stale keys for a bounded time while the
 * IdP is down (it refetches and fails once `cacheMaxAge` passes), an injectable clock, a refresh that never makes
 * a request wait when usable keys exist, fetch outcomes for metrics, and key-declared algorithms as the only
 * algorithms a key may verify.
 *
 * Rules (Entra's key-rollover guidance): refresh every `refreshIntervalMs` in the background; on an unknown `kid`,
 * refetch synchronously but at most once per `cooldownMs`; on fetch failure keep the last good keys for at most
 * `maxStaleMs` past their refresh time, then fail closed.
 */
export interface JwksCacheOptions {
  url: string;
  clock?: Clock;
  /** Keys older than this are refreshed (in the background while they are still usable). Default 1 h. */
  refreshIntervalMs?: number;
  /** Minimum gap between two fetches triggered by unknown kids or failures. Default 60 s. */
  cooldownMs?: number;
  /** How long past `refreshIntervalMs` keys may be served while every refresh fails. Default 24 h. */
  maxStaleMs?: number;
  fetchTimeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Test seam; defaults to an undici GET. */
  getJson?: JsonGet;
  onFetch?: (outcome: JwksFetchOutcome) => void;
}

export type JwksFetchOutcome = 'ok' | 'timeout' | 'network' | 'status' | 'not_json' | 'too_large' | 'invalid';

export type KeyLookup =
  | { ok: true; key: CryptoKey | Uint8Array; alg: string }
  | { ok: false; reason: 'TOKEN_UNKNOWN_KEY' | 'TOKEN_ALG_NOT_ALLOWED' | 'JWKS_UNAVAILABLE' };

interface CachedKey {
  kid: string | undefined;
  jwk: JWK;
  algorithms: readonly string[];
  imported: Map<string, Promise<CryptoKey | Uint8Array>>;
}

/** Asymmetric algorithms a key of this type may verify when the JWK itself does not name one. Never HMAC. */
function algorithmsFor(jwk: JWK): readonly string[] {
  if (typeof jwk.alg === 'string') return jwk.alg.startsWith('HS') || jwk.alg === 'none' ? [] : [jwk.alg];
  switch (jwk.kty) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return jwk.crv === 'P-256' ? ['ES256'] : jwk.crv === 'P-384' ? ['ES384'] : jwk.crv === 'P-521' ? ['ES512'] : [];
    case 'OKP':
      return jwk.crv === 'Ed25519' ? ['EdDSA', 'Ed25519'] : [];
    default:
      return []; // `oct` (shared secrets) must never come from a public key set
  }
}

function usableForSignatures(jwk: JWK): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return false;
  return 'kty' in jwk && algorithmsFor(jwk).length > 0;
}

export class JwksCache {
  private keys: CachedKey[] = [];
  private fetchedAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private inflight: Promise<boolean> | null = null;
  private readonly clock: Clock;
  private readonly refreshIntervalMs: number;
  private readonly cooldownMs: number;
  private readonly maxStaleMs: number;
  private readonly get: JsonGet;

  constructor(private readonly options: JwksCacheOptions) {
    this.clock = options.clock ?? systemClock;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 3_600_000;
    this.cooldownMs = options.cooldownMs ?? 60_000;
    this.maxStaleMs = options.maxStaleMs ?? 86_400_000;
    this.get = options.getJson ?? getJson;
  }

  get url(): string {
    return this.options.url;
  }

  /** The key that may verify a token with this header, or why there is none. */
  async lookup(kid: string | undefined, alg: string): Promise<KeyLookup> {
    const now = this.clock.now();
    if (!this.usable(now)) {
      this.keys = []; // never fetched, or past the stale bound: nothing may verify until a fetch succeeds
      const fetch = this.fetchIfAllowed(now);
      if (fetch === null || !(await fetch)) return { ok: false, reason: 'JWKS_UNAVAILABLE' };
    } else if (now - this.fetchedAt! > this.refreshIntervalMs) {
      void this.fetchIfAllowed(now); // stale but usable: serve now, refresh behind
    }

    let candidates = this.match(kid, alg);
    if (candidates.length === 0) {
      const fetch = this.fetchIfAllowed(this.clock.now());
      if (fetch !== null) {
        const fetched = await fetch;
        candidates = this.match(kid, alg);
        if (candidates.length === 0 && !fetched) return { ok: false, reason: 'JWKS_UNAVAILABLE' };
      }
    }
    if (candidates.length !== 1) return { ok: false, reason: 'TOKEN_UNKNOWN_KEY' };
    const cached = candidates[0]!;
    if (!cached.algorithms.includes(alg)) return { ok: false, reason: 'TOKEN_ALG_NOT_ALLOWED' };
    try {
      return { ok: true, key: await this.imported(cached, alg), alg };
    } catch {
      return { ok: false, reason: 'TOKEN_ALG_NOT_ALLOWED' };
    }
  }

  /** Joins the fetch in flight, or starts one unless the cooldown forbids it (null). */
  private fetchIfAllowed(now: number): Promise<boolean> | null {
    return this.inflight ?? (this.inCooldown(now) ? null : this.refresh());
  }

  /** Keys by kid; without a kid (generic OIDC), the single key whose type fits the alg. */
  private match(kid: string | undefined, alg: string): CachedKey[] {
    if (kid !== undefined) return this.keys.filter((k) => k.kid === kid);
    return this.keys.filter((k) => k.algorithms.includes(alg));
  }

  private usable(now: number): boolean {
    return this.fetchedAt !== null && now - this.fetchedAt <= this.refreshIntervalMs + this.maxStaleMs;
  }

  private inCooldown(now: number): boolean {
    return this.lastAttemptAt !== null && now - this.lastAttemptAt < this.cooldownMs;
  }

  private imported(cached: CachedKey, alg: string): Promise<CryptoKey | Uint8Array> {
    let key = cached.imported.get(alg);
    if (!key) {
      key = importJWK({ ...cached.jwk, alg }, alg);
      cached.imported.set(alg, key);
      key.catch(() => cached.imported.delete(alg));
    }
    return key;
  }

  /** Single-flight fetch; true when fresh keys were installed. */
  refresh(): Promise<boolean> {
    if (!this.inflight) {
      this.lastAttemptAt = this.clock.now();
      this.inflight = this.fetchKeys().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async fetchKeys(): Promise<boolean> {
    let document: unknown;
    try {
      document = await this.get(this.options.url, {
        timeoutMs: this.options.fetchTimeoutMs ?? 5000,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      });
    } catch (error) {
      this.options.onFetch?.(error instanceof IdpFetchError ? error.kind : 'network');
      return false;
    }
    const keys = parseKeySet(document);
    // A set with no usable signing key is an IdP fault, not a key roll: keep the last good keys.
    if (!keys || keys.length === 0) {
      this.options.onFetch?.('invalid');
      return false;
    }
    this.keys = keys;
    this.fetchedAt = this.clock.now();
    this.options.onFetch?.('ok');
    return true;
  }
}

function parseKeySet(document: unknown): CachedKey[] | null {
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { keys?: unknown }).keys)) return null;
  const keys: CachedKey[] = [];
  for (const entry of (document as { keys: unknown[] }).keys) {
    if (typeof entry !== 'object' || entry === null) continue;
    const jwk = entry as JWK;
    if (!usableForSignatures(jwk)) continue;
    keys.push({
      kid: typeof jwk.kid === 'string' ? jwk.kid : undefined,
      jwk: publicPart(jwk),
      algorithms: algorithmsFor(jwk),
      imported: new Map(),
    });
  }
  return keys;
}

/** Only the public members; a JWKS that (wrongly) carries private parts must not turn them into signing keys. */
function publicPart(jwk: JWK): JWK {
  const { kty, crv, n, e, x, y } = jwk;
  const out: JWK = { kty: kty! };
  for (const [name, value] of Object.entries({ crv, n, e, x, y })) if (value !== undefined) (out as Record<string, unknown>)[name] = value;
  return out;
}
