import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, test } from 'node:test';
import { ManualClock } from '../core/clock.ts';
import { createServices, ensureBootstrapToken } from '../control/index.ts';
import { openStore } from '../store/index.ts';
import { createManagementApi, startManagementServer } from './index.ts';

/** Over real HTTP on an ephemeral loopback port: health, readiness, a streamed oversize body, and opaque 500s. */
describe('management server', () => {
  test('serves health and readiness, refuses a streamed body over 1 MiB with 413, and closes', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    let ready = true;
    const app = createManagementApi({ store, readiness: async () => ({ ok: ready, checks: { store: ready ? 'ok' : 'down' } }) });
    const server = await startManagementServer({ app, port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(health.headers.get('x-request-id'));
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      ready = false;
      const notReady = await fetch(`${server.url}/readyz`);
      assert.equal(notReady.status, 503);
      assert.deepEqual(await notReady.json(), { ok: false, checks: { store: 'down' } });

      const token = (await ensureBootstrapToken(store))!;
      const before = await store.changeCounter();
      // chunked: no Content-Length for the limit to trust, so the stream itself must be counted
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/v1/environments`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve(413) : reject(e)));
        req.write('{"name":"big","description":"');
        const chunk = 'x'.repeat(64 * 1024);
        for (let i = 0; i < 20; i++) req.write(chunk);
        req.end('"}');
      });
      assert.equal(status, 413);
      assert.equal(await store.changeCounter(), before);
    } finally {
      await server.close();
      await store.close();
    }
  });

  test('an unexpected error is a 500 INTERNAL problem that reveals nothing', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    try {
      const clock = new ManualClock();
      const services = createServices({ store, clock });
      services.environments.list = async () => {
        throw new Error('connection string postgres://admin:hunter2@db/prod failed at /srv/app/x.ts:12');
      };
      const token = (await ensureBootstrapToken(store, clock))!;
      const app = createManagementApi({ store, services, clock });
      const res = await app.request('/v1/environments', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 500);
      const text = await res.text();
      const body = JSON.parse(text);
      assert.equal(body.code, 'INTERNAL');
      assert.ok(!text.includes('hunter2') && !text.includes('/srv/app') && !text.includes('postgres'));
    } finally {
      await store.close();
    }
  });
});
