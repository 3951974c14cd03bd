import { fetch, type Dispatcher } from 'undici';
import type { Clock } from '../../core/clock.ts';
import { systemClock } from '../../core/clock.ts';
import { backoffDelay, DEFAULT_RETRY, retryAfterMs, type RetryPolicy } from './backoff.ts';
import { graphError, idpUnavailable, type ErrorContext } from './errors.ts';

/**
 * A small Microsoft Graph client: JSON in and out, bearer token, and the retry rules Graph needs.
 * Retried: 429 (waiting Retry-After), 5xx and network failures (jittered exponential backoff, Retry-After when given),
 * and — when the caller marks the call as following a write — 404 and 400 NoBackingApplicationObject within the
 * consistency window. Everything else is final and becomes a GatehouseError from ./errors.ts.
 */
export interface GraphRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the base URL (`/applications/…`) or an absolute `@odata.nextLink` from the same host. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Human name of the operation for error messages, e.g. 'add a client secret'. */
  operation: string;
  /** Retry 404 / NoBackingApplicationObject as replication lag (for reads/writes right after a create). */
  awaitConsistency?: boolean;
  /** Status codes that are answers, not errors (e.g. 404 for "already deleted"). */
  accept?: number[];
}

export interface GraphResponse<T> {
  status: number;
  body: T;
  headers: Headers;
  /** Attempts it took; >1 means a write may have happened more than once (callers of non-idempotent writes check). */
  attempts: number;
}

export interface GraphClientOptions {
  baseUrl: string;
  getToken: (forceRefresh?: boolean) => Promise<string>;
  dispatcher?: Dispatcher;
  errorContext: ErrorContext;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called for each retry, for logs and metrics. */
  onRetry?: (info: { operation: string; status: number | null; code: string; delayMs: number; attempt: number }) => void;
}

export interface GraphClient {
  request<T = unknown>(req: GraphRequest): Promise<GraphResponse<T>>;
  readonly baseUrl: string;
}

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const base = options.baseUrl.replace(/\/$/, '');
  const baseOrigin = new URL(base).origin;

  async function request<T>(req: GraphRequest): Promise<GraphResponse<T>> {
    const url = req.path.startsWith('https://') || req.path.startsWith('http://') ? req.path : base + req.path;
    if (new URL(url).origin !== baseOrigin) {
      // Never send our token to a host a nextLink points at unless it is Graph's own.
      throw idpUnavailable('UnexpectedHost', `Microsoft Graph returned a link to another host during ${req.operation}.`,
        'Check graphHost; Gatehouse only follows links on the configured Graph host.');
    }
    const started = clock.now();
    let refreshedToken = false;
    for (let attempt = 1; ; attempt++) {
      let status: number | null = null;
      let code = '';
      let waitHint: number | null = null;
      let response: Awaited<ReturnType<typeof fetch>> | null = null;
      try {
        const token = await options.getToken();
        response = await fetch(url, {
          method: req.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...req.headers,
          },
          body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
          dispatcher: options.dispatcher,
          signal: AbortSignal.timeout(policy.attemptTimeoutMs),
        });
      } catch (e) {
        if ((e as { code?: string }).code === 'IDP_REJECTED') throw e; // token acquisition refused: final
        code = (e as { code?: string }).code === 'IDP_UNAVAILABLE' ? 'TokenUnavailable' : networkCode(e);
      }
      if (response) {
        status = response.status;
        const text = await response.text();
        const body = parseJson(text);
        if ((status >= 200 && status < 300) || req.accept?.includes(status)) {
          return { status, body: body as T, headers: response.headers, attempts: attempt };
        }
        code = graphCode(body);
        waitHint = retryAfterMs(response.headers.get('retry-after'), clock.now());
        if (status === 401 && !refreshedToken) {
          // A token revoked or expired early: fetch a fresh one once, immediately.
          refreshedToken = true;
          await options.getToken(true);
          continue;
        }
        const lag = req.awaitConsistency && (status === 404 || code === 'NoBackingApplicationObject');
        const retryable = status === 429 || TRANSIENT_STATUS.has(status) || lag;
        if (!retryable) throw graphError(status, code, options.errorContext, req.operation);
        if (lag && clock.now() - started >= policy.consistencyWindowMs) {
          throw graphError(status, code, options.errorContext, req.operation);
        }
      }
      const delay = waitHint ?? backoffDelay(policy, attempt, random);
      const elapsed = clock.now() - started;
      if (attempt >= policy.maxAttempts || elapsed + delay > policy.deadlineMs) {
        throw idpUnavailable(code || `HTTP ${status}`,
          `Microsoft Graph did not complete ${req.operation} after ${attempt} attempt(s) (${status ?? 'no answer'} ${code}).`.replace(/\s+\)/, ')'),
          status === 429
            ? 'Graph is throttling the platform app; Gatehouse retries the job later. Spread bulk work or ask for a higher throttling budget.'
            : 'Microsoft Graph is unreachable or failing; Gatehouse retries the job later. Check https://status.cloud.microsoft and the network path to the Graph host.',
          { ...(status ? { idpStatus: status } : {}), ...(waitHint !== null ? { retryAfterSeconds: Math.ceil(waitHint / 1000) } : {}) });
      }
      options.onRetry?.({ operation: req.operation, status, code, delayMs: delay, attempt });
      await sleep(delay);
    }
  }

  return { request, baseUrl: base };
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return { raw: text.slice(0, 200) }; }
}

function graphCode(body: unknown): string {
  const err = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof err?.code === 'string' ? err.code : '';
}

function networkCode(e: unknown): string {
  const err = e as { name?: string; code?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'Timeout';
  return err.cause?.code ?? err.code ?? 'NetworkError';
}
