import { GatehouseError } from '../core/errors.ts';
import { validationFailed } from './context.ts';

/**
 * Rules for an API's gateway base path and upstream URL. The format checks also back the API's zod schemas,
 * so a service called directly (bootstrap, `apply`) enforces exactly what the REST API enforces.
 */

/** One or more `/segment`s of unreserved URL characters; no trailing slash, no empty, `.` or `..` segment. */
export const BASE_PATH_PATTERN = /^(\/[A-Za-z0-9._~-]+)+$/;

/** Paths the gateway serves itself; an API may not equal them or sit under them. */
export const RESERVED_BASE_PATHS = ['/healthz', '/readyz', '/metrics', '/__gatehouse'] as const;

export function basePathFormatProblem(basePath: string): string | null {
  if (!BASE_PATH_PATTERN.test(basePath)) {
    return 'must start with "/", have no trailing slash or empty segment, and use only A-Z a-z 0-9 . _ ~ - /';
  }
  if (basePath.split('/').some((s) => s === '.' || s === '..')) return 'must not contain "." or ".." segments';
  if (basePath.length > 512) return 'must be at most 512 characters';
  const reserved = RESERVED_BASE_PATHS.find((r) => basePath === r || basePath.startsWith(r + '/'));
  if (reserved) return `"${reserved}" is reserved by the gateway`;
  return null;
}

/** True when a request path could match both prefixes: equal, or one nested in the other at a segment boundary. */
export function basePathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(b + '/') || b.startsWith(a + '/');
}

export function upstreamUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must use http or https, not "${url.protocol.replace(/:$/, '')}"`;
  if (url.username || url.password) return 'must not contain credentials (user:password@)';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  return null;
}

export function checkBasePathFormat(basePath: string): void {
  const problem = basePathFormatProblem(basePath);
  if (problem) throw validationFailed('basePath', problem);
}

export function checkUpstreamUrl(value: string): void {
  const problem = upstreamUrlProblem(value);
  if (problem) throw validationFailed('upstreamUrl', problem);
}

export function basePathConflict(basePath: string, other: { id: string; name: string; basePath: string }): GatehouseError {
  const detail = other.basePath === basePath
    ? `Base path ${basePath} is already used by API ${other.name} (${other.id}).`
    : `Base path ${basePath} overlaps ${other.basePath} of API ${other.name} (${other.id}); one would shadow the other.`;
  return new GatehouseError('BASE_PATH_CONFLICT', detail, { field: 'basePath', conflictsWith: other.id });
}
