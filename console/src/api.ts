import { session } from './session.ts';
import type { Page, Role } from './types.ts';

/** A failed API call, with the problem+json the API answered (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code: string,
    readonly fieldErrors: { path: string; message: string }[] = [],
    readonly extras: Record<string, unknown> = {},
  ) {
    super(`${title}: ${detail}`);
  }
}

/** Called on any 401: the token is gone or revoked, so the console returns to sign-in. */
let onUnauthenticated: (error: ApiError) => void = () => {};
export const whenUnauthenticated = (handler: (error: ApiError) => void): void => {
  onUnauthenticated = handler;
};

async function send(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Relative to the page ('./v1/…'), so a path prefix in front of Gatehouse is kept.
  return fetch('.' + path, { method, headers, body: body === undefined ? null : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
}

async function problemOf(res: Response): Promise<ApiError> {
  let p: Record<string, unknown> = {};
  try {
    p = (await res.json()) as Record<string, unknown>;
  } catch {
    // not problem+json (a proxy's page, say): fall back to the status line
  }
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);
  const fieldErrors = Array.isArray(p.errors) ? (p.errors as { path: string; message: string }[]) : [];
  return new ApiError(res.status, text(p.title, res.statusText || 'Request failed'), text(p.detail, `HTTP ${res.status}`), text(p.code, 'HTTP_' + res.status), fieldErrors, p);
}

/** Calls the management API with the session's token; throws ApiError on any non-2xx. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, session.token(), body);
  if (!res.ok) {
    const error = await problemOf(res);
    if (res.status === 401) onUnauthenticated(error);
    throw error;
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => call<T>('POST', path, body);

/** `path` with its query string; empty values are left out. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Every item of a paged list, up to `max` (the flag says whether more were left). */
export async function listAll<T>(path: string, query: Record<string, string | undefined> = {}, max = 2000): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await get<Page<T>>(withQuery(path, { ...query, limit: 500, cursor }));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, more: cursor !== null };
}

/** Who the token is (`GET /v1/me`, open to every role). A bad token is a 401 (thrown). */
export async function roleOf(token: string): Promise<Role> {
  const res = await send('GET', '/v1/me', token);
  if (!res.ok) throw await problemOf(res);
  const me = (await res.json()) as { role?: unknown };
  if (me.role === 'admin' || me.role === 'operator' || me.role === 'viewer' || me.role === 'consumer') return me.role;
  throw new Error(`unexpected role ${String(me.role)}`);
}
