import type { CompiledApi, Snapshot } from './snapshot.ts';

export interface RouteMatch {
  api: CompiledApi;
  /** What follows the base path, query included: '' or starting with '/' or '?'. */
  rest: string;
}

/**
 * Longest-prefix match on whole path segments: `/a` matches `/a`, `/a/x` and `/a?q`, never `/ab`.
 * Tries the path itself, then each shorter prefix ending before a '/', so the cost is one Map lookup per
 * segment (bounded by the longest base path), whatever the number of APIs.
 */
export function matchRoute(snapshot: Snapshot, url: string): RouteMatch | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  let end = path.length;
  if (end > snapshot.maxPrefixLength) {
    end = path.lastIndexOf('/', snapshot.maxPrefixLength);
    if (end === -1) return null;
  }
  while (true) {
    const candidate = end === path.length ? path : path.slice(0, end);
    const api = snapshot.routes.get(candidate);
    if (api !== undefined) return { api, rest: url.slice(end) };
    if (end === 0) return null;
    end = path.lastIndexOf('/', end - 1);
    if (end === -1) return null;
  }
}
