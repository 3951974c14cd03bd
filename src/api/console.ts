import type { Context, Hono } from 'hono';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:console` writes the web console (console/vite.config.ts). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/**
 * Sent with every console response. The console is plain scripts and styles from this origin: no inline code, no
 * framing, no third-party hosts; it talks only to /v1 on the same origin.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite names everything under assets/ by content hash, so a cached copy can never be stale. */
const HASHED_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gatehouse console not built</title></head>
<body><h1>The Gatehouse console is not built</h1>
<p>Build it with <code>npm run build:console</code> (or start with <code>npm start</code>, which builds it when needed), then reload.</p>
<p>The management API is unaffected: see <a href="/v1/openapi.json">/v1/openapi.json</a>.</p></body></html>
`;

/**
 * Serves the built web console at `/` and its files, beside the management API. `/v1/*` and unknown paths fall
 * through to the API's problem+json 404. `dir: false` turns the console off.
 */
export function consoleRoutes(app: Hono<any>, dir: string | false = DEFAULT_CONSOLE_DIR): void {
  if (dir === false) return;
  const root = resolve(dir);
  app.get('/*', async (c, next) => {
    // Routes registered later (the OpenAPI document) still match; the API's 404 answers the rest of /v1.
    if (c.req.path === '/v1' || c.req.path.startsWith('/v1/')) return next();
    const relative = c.req.path === '/' ? '/index.html' : c.req.path;
    const file = await resolveInside(root, relative);
    if (!file) {
      if (relative === '/index.html' && !(await isFile(resolve(root, 'index.html')))) {
        return new Response(NOT_BUILT_PAGE, { status: 503, headers: { ...CONSOLE_SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
      }
      return next();
    }
    return sendFile(c, file.path, file.size, file.mtimeMs, relative.startsWith(HASHED_PREFIX) ? IMMUTABLE : 'no-cache');
  });
}

/**
 * The file a URL path names, only when it is a regular file inside `root` once every `..`, encoded separator and
 * symlink is accounted for; null otherwise (which the caller answers with 404, never with a hint).
 */
export async function resolveInside(root: string, urlPath: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.' || s === '' || s.startsWith('.'))) return null;
  const candidate = resolve(root, ...segments);
  if (!candidate.startsWith(root + sep)) return null;
  try {
    const [real, realRoot] = await Promise.all([realpath(candidate), realpath(root)]);
    if (!real.startsWith(realRoot + sep)) return null;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function sendFile(c: Context, path: string, size: number, mtimeMs: number, cacheControl: string): Response {
  const etag = `W/"${size.toString(16)}-${Math.trunc(mtimeMs).toString(16)}"`;
  const headers: Record<string, string> = {
    ...CONSOLE_SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    etag,
  };
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
  headers['content-length'] = String(size);
  if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers });
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return new Response(body, { status: 200, headers });
}
