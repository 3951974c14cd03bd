import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../store/index.ts';
import type { Store } from '../core/ports/store.ts';
import { resolveInside } from './console.ts';
import { createManagementApi, startManagementServer } from './index.ts';

/** The management API serving a built console: types, caching, security headers, and path traversal attempts. */
describe('console static serving', () => {
  let base: string;
  let dist: string;
  let store: Store;
  let server: { url: string; close(): Promise<void> };

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'gh-console-'));
    dist = join(base, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Gatehouse</title><script type="module" src="/assets/index-AbC123.js"></script>');
    await writeFile(join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
    await writeFile(join(dist, 'assets', 'index-AbC123.css'), 'body{}');
    await writeFile(join(dist, '.env'), 'hidden');
    await writeFile(join(base, 'secret.txt'), 'TOP SECRET');
    await symlink(join(base, 'secret.txt'), join(dist, 'assets', 'link.txt'));
    store = await openStore({ url: 'sqlite::memory:' });
    server = await startManagementServer({ app: createManagementApi({ store, consoleDir: dist }), port: 0 });
  });
  after(async () => {
    await server?.close();
    await store?.close();
    await rm(base, { recursive: true, force: true });
  });

  /** Raw HTTP, so the path reaches the server exactly as written (fetch would normalise `..`). */
  const raw = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/`, { path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  test('serves index.html at / with no-cache and the security headers', async () => {
    const res = await raw('/');
    assert.equal(res.status, 200);
    assert.match(res.body, /<title>Gatehouse<\/title>/);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.ok(res.headers.etag);
    const again = await raw('/', { 'if-none-match': String(res.headers.etag) });
    assert.equal(again.status, 304);
  });

  test('serves hashed assets with their content type and a long immutable cache', async () => {
    const js = await raw('/assets/index-AbC123.js');
    assert.equal(js.status, 200);
    assert.equal(js.body, 'console.log(1)');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(js.headers['x-content-type-options'], 'nosniff');
    const css = await raw('/assets/index-AbC123.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  });

  test('leaves /v1 to the API: the OpenAPI document, auth, and problem+json 404s', async () => {
    const doc = await fetch(`${server.url}/v1/openapi.json`);
    assert.equal(doc.status, 200);
    assert.equal((await doc.json() as { openapi: string }).openapi, '3.1.0');
    assert.equal((await fetch(`${server.url}/v1/apps`)).status, 401);
    const missing = await raw('/assets/nope.js');
    assert.equal(missing.status, 404);
    assert.match(String(missing.headers['content-type']), /application\/problem\+json/);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  test('refuses path traversal in every spelling, dotfiles and symlinks out of the directory', async () => {
    const attacks = [
      '/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt', '/..%5csecret.txt', '/assets/..%5c..%5csecret.txt', '/%252e%252e/secret.txt', '/assets/%00../secret.txt',
      '//secret.txt', '/.env', '/assets/link.txt', '/assets', '/assets/', '/%', '/index.html%00.js',
    ];
    for (const path of attacks) {
      const res = await raw(path);
      assert.ok(res.status === 404 || res.status === 400, `${path} → ${res.status}`);
      assert.doesNotMatch(res.body, /TOP SECRET|hidden/, path);
    }
  });

  test('resolveInside accepts only regular files under the root', async () => {
    assert.ok(await resolveInside(dist, '/index.html'));
    assert.ok(await resolveInside(dist, '/assets/index-AbC123.js'));
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/link.txt', '/assets', '/.env', '/a\\..\\secret.txt']) {
      assert.equal(await resolveInside(dist, path), null, path);
    }
  });

  test('without a built console, / explains how to build it; consoleDir false serves nothing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'gh-console-empty-'));
    try {
      const res = await createManagementApi({ store, consoleDir: join(empty, 'dist') }).request('/');
      assert.equal(res.status, 503);
      assert.match(await res.text(), /npm run build:console/);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const off = await createManagementApi({ store, consoleDir: false }).request('/');
      assert.equal(off.status, 404);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
