import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JwksFetchOutcome } from '../policies/oauth-token/jwks-cache.ts';

/**
 * The gateway's Prometheus metrics, in a registry of its own (several gateways in one test process must not share
 * counters). Label values are bounded: `api` is an API's label chosen by the caller (one per configured API, or
 * `-` for calls that matched none), `status` an HTTP status, `reason` a stable denial code, `outcome` a small enum.
 * Label children are cached so the hot path does no label hashing.
 *
 * Names:
 * - gatehouse_gateway_requests_total{api,status}
 * - gatehouse_gateway_request_duration_seconds{api}          (histogram)
 * - gatehouse_gateway_denials_total{api,reason}
 * - gatehouse_gateway_upstream_errors_total{api,kind}        (timeout | unreachable | error)
 * - gatehouse_jwks_fetches_total{outcome}                    (ok | timeout | network | status | not_json | too_large | invalid)
 * - gatehouse_jwks_fetch_failures_total                      (every outcome but ok)
 * - gatehouse_token_cache_lookups_total{result}              (hit | miss)
 * - gatehouse_token_cache_hit_ratio                          (hits / lookups since start; rate() the counter for windows)
 */
export type UpstreamErrorKind = 'timeout' | 'unreachable' | 'error';

export class GatewayMetrics {
  readonly registry: Registry;
  private readonly requests: Counter<'api' | 'status'>;
  private readonly duration: Histogram<'api'>;
  private readonly denials: Counter<'api' | 'reason'>;
  private readonly upstreamErrors: Counter<'api' | 'kind'>;
  private readonly jwksFetches: Counter<'outcome'>;
  private readonly jwksFailures: Counter;
  private readonly tokenCache: Counter<'result'>;
  private readonly children = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(v: number): void }>();
  private hits = 0;
  private lookups = 0;

  constructor(options: { registry?: Registry; defaultMetrics?: boolean } = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.requests = new Counter({ name: 'gatehouse_gateway_requests_total', help: 'Requests answered by the gateway, by API and HTTP status.', labelNames: ['api', 'status'], registers });
    this.duration = new Histogram({
      name: 'gatehouse_gateway_request_duration_seconds', help: 'Time from request arrival to the end of the response, by API.', labelNames: ['api'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    this.denials = new Counter({ name: 'gatehouse_gateway_denials_total', help: 'Requests the gateway refused, by API and stable reason code.', labelNames: ['api', 'reason'], registers });
    this.upstreamErrors = new Counter({ name: 'gatehouse_gateway_upstream_errors_total', help: 'Upstream failures, by API and kind.', labelNames: ['api', 'kind'], registers });
    this.jwksFetches = new Counter({ name: 'gatehouse_jwks_fetches_total', help: 'Signing-key (JWKS) fetches from identity providers, by outcome.', labelNames: ['outcome'], registers });
    this.jwksFailures = new Counter({ name: 'gatehouse_jwks_fetch_failures_total', help: 'Signing-key (JWKS) fetches that failed.', registers });
    this.tokenCache = new Counter({ name: 'gatehouse_token_cache_lookups_total', help: 'Verified-token cache lookups, by result.', labelNames: ['result'], registers });
    const self = this;
    new Gauge({
      name: 'gatehouse_token_cache_hit_ratio', help: 'Share of token verifications answered from the verified-token cache since start.', registers,
      collect() {
        this.set(self.lookups === 0 ? 0 : self.hits / self.lookups);
      },
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }

  /** Once per answered request (proxied or denied). `reason` is the denial code when the gateway refused. */
  observeRequest(api: string, status: number, durationMs: number, reason?: string): void {
    this.child('r', api, String(status), () => this.requests.labels(api, String(status))).inc();
    let d = this.durationChildren.get(api);
    if (!d) this.durationChildren.set(api, (d = this.duration.labels(api)));
    d.observe(durationMs / 1000);
    if (reason) this.child('d', api, reason, () => this.denials.labels(api, reason)).inc();
  }

  upstreamError(api: string, kind: UpstreamErrorKind): void {
    this.child('u', api, kind, () => this.upstreamErrors.labels(api, kind)).inc();
  }

  /** Hook for JwksRegistry's `onJwksFetch`. */
  jwksFetch = (_url: string, outcome: JwksFetchOutcome): void => {
    this.jwksFetches.labels(outcome).inc();
    if (outcome !== 'ok') this.jwksFailures.inc();
  };

  /** Hook for the oauth-token policy's `onTokenCache`. */
  tokenCacheLookup = (hit: boolean): void => {
    this.lookups++;
    if (hit) this.hits++;
    this.child('t', hit ? 'hit' : 'miss', '', () => this.tokenCache.labels(hit ? 'hit' : 'miss')).inc();
  };

  /** The exposition text for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private child(kind: string, a: string, b: string, make: () => { inc(): void }): { inc(): void } {
    const key = `${kind}\u0000${a}\u0000${b}`;
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = make()));
    return c;
  }
}
