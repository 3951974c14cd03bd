import type { Dispatcher } from 'undici';
import type { Clock } from '../../../core/clock.ts';
import { OidcDiscovery } from './discovery.ts';
import type { JsonGet } from './http-json.ts';
import { JwksCache, type JwksFetchOutcome } from './jwks-cache.ts';

/**
 * Process-wide key caches: many APIs trust the same tenant, and they should share one key set and one fetch
 * schedule rather than each hitting the IdP. Create one per gateway process and hand it to every oauth-token policy.
 */
export interface JwksRegistryOptions {
  clock?: Clock;
  refreshIntervalMs?: number;
  cooldownMs?: number;
  fetchTimeoutMs?: number;
  /** e.g. an undici Agent trusting a private CA (the emulator's). */
  dispatcher?: Dispatcher;
  getJson?: JsonGet;
  onJwksFetch?: (url: string, outcome: JwksFetchOutcome) => void;
}

export class JwksRegistry {
  private readonly caches = new Map<string, JwksCache>();
  private readonly discoveries = new Map<string, OidcDiscovery>();

  constructor(private readonly options: JwksRegistryOptions = {}) {}

  jwks(url: string, maxStaleMs: number): JwksCache {
    const key = `${maxStaleMs} ${url}`;
    let cache = this.caches.get(key);
    if (!cache) {
      const { onJwksFetch, ...shared } = this.options;
      cache = new JwksCache({ ...shared, url, maxStaleMs, ...(onJwksFetch ? { onFetch: (o) => onJwksFetch(url, o) } : {}) });
      this.caches.set(key, cache);
    }
    return cache;
  }

  discovery(url: string): OidcDiscovery {
    let discovery = this.discoveries.get(url);
    if (!discovery) {
      discovery = new OidcDiscovery(url, this.options);
      this.discoveries.set(url, discovery);
    }
    return discovery;
  }
}
