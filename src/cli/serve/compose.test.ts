import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { startGatehouse } from './compose.ts';
import { describeStore, startBanner } from './banner.ts';
import { describeFailure, EXIT } from '../errors.ts';

const listen = (server: Server, port = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

test('readiness covers the store and the gateway; close is idempotent', async () => {
  const gh = await startGatehouse({ databaseUrl: 'sqlite::memory:', apiPort: 0, gatewayPort: 0 });
  try {
    const res = await fetch(`${gh.apiUrl}/readyz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; checks: Record<string, unknown> };
    assert.equal(body.ok, true);
    assert.equal(body.checks.store, 'ok');
    assert.equal(body.checks.gateway, 'ok');
    assert.equal(typeof body.checks.snapshotVersion, 'number');
    assert.match(gh.bootstrapToken ?? '', /^gh_/);
  } finally {
    await Promise.all([gh.close(), gh.close()]);
  }
  await assert.rejects(fetch(`${gh.apiUrl}/healthz`), 'the API socket is closed');
  await assert.rejects(fetch(`${gh.gatewayUrl}/`), 'the gateway socket is closed');
});

test('a port in use fails the start cleanly: what had started is stopped, and the CLI says which address', async () => {
  const blocker = createServer();
  const busyPort = await listen(blocker);
  const probe = createServer();
  const gatewayPort = await listen(probe);
  await close(probe);
  try {
    const error = await startGatehouse({ databaseUrl: 'sqlite::memory:', apiPort: busyPort, gatewayPort }).then(
      () => assert.fail('start should fail'),
      (e: unknown) => e,
    );
    assert.equal((error as { code?: string }).code, 'EADDRINUSE');
    const { lines, exitCode } = describeFailure(error);
    assert.equal(exitCode, EXIT.api);
    assert.match(lines[0]!, new RegExp(`^error: address .*:${busyPort} is already in use \\(EADDRINUSE\\)$`));
    // The gateway that started before the API failed was closed again: its port is free.
    const again = createServer();
    assert.equal(await listen(again, gatewayPort), gatewayPort);
    await close(again);
  } finally {
    await close(blocker);
  }
});

test('the store description never shows a database password', () => {
  const text = describeStore('postgres://gatehouse:s3cret@db.internal:5432/gh?schema=x', './data');
  assert.equal(text, 'postgres (db.internal:5432/gh)');
  assert.equal(describeStore(undefined, './data'), 'sqlite (./data/gatehouse.db)');
  assert.equal(describeStore('sqlite::memory:', './data'), 'sqlite (:memory:)');
});

test('the banner shows the bootstrap token only when there is one', () => {
  const base = { apiUrl: 'http://127.0.0.1:8080', gatewayUrl: 'http://127.0.0.1:8000', store: 'sqlite (./data/gatehouse.db)' };
  const first = startBanner({ ...base, bootstrapToken: 'gh_abc' });
  assert.match(first, /export GATEHOUSE_TOKEN=gh_abc/);
  assert.match(first, /export GATEHOUSE_URL=http:\/\/127\.0\.0\.1:8080/);
  assert.match(first, /gateway\s+http:\/\/127\.0\.0\.1:8000/);
  const later = startBanner({ ...base, bootstrapToken: null });
  assert.doesNotMatch(later, /gh_/);
  assert.match(later, /admin token already exists/);
});
