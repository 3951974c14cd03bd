import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../../../core/clock.ts';
import { getJson, type JsonGet } from './http-json.ts';
import type { DiscoveredIssuer } from './issuers.ts';

const WELL_KNOWN = '/.well-known/openid-configuration';

/**
 * A generic OIDC issuer's discovery document, fetched on first use and kept (issuer and jwks_uri do not change
 * in practice; a restart picks up a change). Failures are retried no more than once per `cooldownMs`.
 * The document's `issuer` must be the discovery URL minus the well-known suffix (OIDC Discovery §4.3), so a
 * misconfigured or spoofed document cannot make the gateway trust another issuer.
 */
export class OidcDiscovery {
  private discovered: DiscoveredIssuer | null = null;
  private inflight: Promise<DiscoveredIssuer | null> | null = null;
  private lastFailureAt: number | null = null;

  constructor(
    private readonly discoveryUrl: string,
    private readonly options: { clock?: Clock; cooldownMs?: number; fetchTimeoutMs?: number; dispatcher?: Dispatcher; getJson?: JsonGet } = {},
  ) {}

  async resolve(): Promise<DiscoveredIssuer | null> {
    if (this.discovered) return this.discovered;
    const now = (this.options.clock ?? systemClock).now();
    if (this.lastFailureAt !== null && now - this.lastFailureAt < (this.options.cooldownMs ?? 30_000)) return null;
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetch(): Promise<DiscoveredIssuer | null> {
    try {
      const doc = (await (this.options.getJson ?? getJson)(this.discoveryUrl, {
        timeoutMs: this.options.fetchTimeoutMs ?? 5000,
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
      })) as Partial<DiscoveredIssuer> | null;
      const expectedIssuer = this.discoveryUrl.endsWith(WELL_KNOWN) ? this.discoveryUrl.slice(0, -WELL_KNOWN.length) : null;
      if (!doc || typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string' || doc.issuer !== expectedIssuer) {
        throw new Error('discovery document does not match its URL');
      }
      this.discovered = { issuer: doc.issuer, jwks_uri: doc.jwks_uri };
      return this.discovered;
    } catch {
      this.lastFailureAt = (this.options.clock ?? systemClock).now();
      return null;
    }
  }
}
