const DOT_SEGMENT = /(?:^|\/|\\|%2f|%5c)(?:\.|%2e){1,2}(?:\/|\\|%2f|%5c|$)/i;

/**
 * True for request targets the gateway refuses before routing: anything not in origin-form (`/path?query`), and
 * paths with dot segments (`/a/../b`, also percent-encoded). An upstream that normalises `/api/../admin` would
 * otherwise be reached outside the API's base path.
 */
export function isUnsafeTarget(url: string): boolean {
  if (url.charCodeAt(0) !== 47 /* / */) return true;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.indexOf('.') === -1 && path.indexOf('%') === -1 && path.indexOf('\\') === -1) return false;
  return DOT_SEGMENT.test(path);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's X-Request-Id is kept when it is short and plain; anything else is replaced by ours. */
export function acceptableRequestId(value: string | string[] | undefined): string | null {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : null;
}
