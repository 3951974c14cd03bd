import { fetch } from 'undici';
import { ApiError, unreachable, usageError } from './errors.ts';

/**
 * The one way the CLI talks to Gatehouse: the management API over HTTP (contract: docs / rest-contract, `/v1/…`).
 * The CLI never opens the store itself, so it works the same against a laptop and a remote deployment, and every
 * change it makes passes the API's authorisation and lands in the audit log.
 */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface ClientOptions {
  /** Management API base URL; `--url`, else GATEHOUSE_URL, else http://127.0.0.1:8080. */
  url?: string;
  /** Bearer API token (`gh_…`); `--token`, else GATEHOUSE_TOKEN. */
  token?: string;
  timeoutMs?: number;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ManagementClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions = {}) {
    const raw = options.url ?? DEFAULT_URL;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw usageError(`--url "${raw}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError(`--url must be http(s), got "${raw}"`);
    this.baseUrl = parsed.href.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, { body });
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, {});
  }

  /** Follows `nextCursor` until the list is exhausted (for `--all`). */
  async all<T>(path: string, query: Query = {}): Promise<Page<T>> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await this.get<Page<T>>(path, { ...query, limit: 500, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return { items, nextCursor: null };
  }

  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown }): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unreachable(this.baseUrl, networkReason(error));
    }
    const text = await response.text();
    const data = parseJson(text);
    if (!response.ok) throw this.toApiError(response.status, data, text);
    return (data ?? null) as T;
  }

  private toApiError(status: number, data: unknown, text: string): ApiError {
    const problem = (typeof data === 'object' && data !== null ? data : {}) as {
      code?: unknown; detail?: unknown; title?: unknown; errors?: unknown;
    };
    const code = typeof problem.code === 'string' ? problem.code : `HTTP_${status}`;
    const detail =
      (typeof problem.detail === 'string' && problem.detail) ||
      (typeof problem.title === 'string' && problem.title) ||
      text.trim().slice(0, 200) ||
      `the server answered ${status}`;
    const fieldErrors = Array.isArray(problem.errors)
      ? problem.errors.map((e: { path?: unknown; message?: unknown }) => ({ path: String(e?.path ?? ''), message: String(e?.message ?? '') }))
      : [];
    return new ApiError(code, detail, status, fieldErrors, hintFor(status, Boolean(this.token)));
  }
}

function hintFor(status: number, hasToken: boolean): string | undefined {
  if (status === 401 && !hasToken) return 'no API token given: pass --token or set GATEHOUSE_TOKEN (serve prints a bootstrap token once)';
  if (status === 401) return 'the API token was not accepted: check --token / GATEHOUSE_TOKEN (expired or revoked?)';
  if (status === 403) return "this token's role may not do that (roles: admin, operator, viewer, consumer)";
  return undefined;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** fetch wraps the socket error in `cause`; the user wants "connection refused", not "fetch failed". */
function networkReason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code) return code;
  return e?.cause?.message ?? e?.message ?? 'network error';
}
