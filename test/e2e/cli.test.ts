import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatehouse, type RunningGatehouse } from '../../src/cli/serve/compose.ts';
import { freePort } from '../../src/platform/testing/free-port.ts';

/**
 * The real executable (`node bin/gatehouse.mjs …`) as a child process, against a started Gatehouse.
 * A child costs about a second of CPU (tsx), so setup the CLI need not prove goes over HTTP, independent
 * commands run side by side, and timeouts are generous for loaded CI machines.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/gatehouse.mjs');
const CHILD_TIMEOUT_MS = 90_000;

function gatehouse(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', GATEHOUSE_LOG_LEVEL: 'warn', ...env }, timeout: CHILD_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('gatehouse CLI (child process)', { concurrency: true }, () => {
  let gh: RunningGatehouse;
  let env: Record<string, string>;
  before(async () => {
    gh = await startGatehouse({ databaseUrl: 'sqlite::memory:', apiPort: 0, gatewayPort: 0 });
    env = { GATEHOUSE_URL: gh.apiUrl, GATEHOUSE_TOKEN: gh.bootstrapToken! };
  });
  after(() => gh.close());
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(gh.apiUrl + path, { method: 'POST', headers: { authorization: `Bearer ${gh.bootstrapToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 201, `POST ${path}`);
    return (await res.json()) as T;
  };

  // More commands run in-process against a fake API in src/cli/program.test.ts; here the real binary and API meet.
  test('create and list with --json and as a table; secrets shown once', async () => {
    const provider = await post<{ id: string }>('/v1/providers', { name: 'local', kind: 'local' });
    const created = await gatehouse(['env', 'create', 'sandbox', '--credential-lifetime', '90d', '--default-provider', provider.id, '--provider', provider.id, '--json'], env);
    assert.equal(created.code, 0, created.stderr);
    const environment = JSON.parse(created.stdout) as { id: string; defaultProviderId: string; settings: { credentialLifetimeDays: number } };
    assert.match(environment.id, /^env_/);
    assert.equal(environment.settings.credentialLifetimeDays, 90);
    assert.equal(environment.defaultProviderId, provider.id);
    const app = await post<{ id: string; clientId: string }>('/v1/apps', { environmentId: environment.id, name: 'shop' });

    const [table, credential] = await Promise.all([
      gatehouse(['env', 'list'], env),
      gatehouse(['credential', 'create', '--app', app.id, '--expires-in', '30d'], env),
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID\s+NAME/);
    assert.match(table.stdout, new RegExp(`${environment.id}\\s+sandbox\\s+${provider.id}\\s+90`));

    assert.equal(credential.code, 0, credential.stderr);
    assert.match(credential.stdout, new RegExp(`client id:\\s+${app.clientId}\n`));
    const secret = /client secret:\s+(\S+)/.exec(credential.stdout)?.[1];
    assert.ok(secret && secret.length >= 32, credential.stdout);
    assert.match(credential.stderr, /shown only this once/);
    assert.ok(!credential.stderr.includes(secret), 'the secret goes to stdout only');

    // The secret the CLI printed is the one the gateway will check: the API stored it for this app.
    const listed = await fetch(`${gh.apiUrl}/v1/apps/${app.id}/credentials`, { headers: { authorization: `Bearer ${gh.bootstrapToken}` } });
    const items = ((await listed.json()) as { items: { hint: string; state: string }[] }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]!.state, 'active');
    assert.ok(secret.startsWith(items[0]!.hint));
  });

  test('error exits: bad token 1, unreachable 3, unknown command 2 — one line, never a stack trace', async () => {
    const port = await freePort();
    const [badToken, unreachable, unknown] = await Promise.all([
      gatehouse(['env', 'list'], { ...env, GATEHOUSE_TOKEN: 'gh_not-a-real-token' }),
      gatehouse(['env', 'list'], { ...env, GATEHOUSE_URL: `http://127.0.0.1:${port}` }),
      gatehouse(['frobnicate'], env),
    ]);
    assert.equal(badToken.code, 1, badToken.stderr);
    assert.match(badToken.stderr, /^error: .+ \(UNAUTHENTICATED\)\nhint: /);
    assert.equal(unreachable.code, 3, unreachable.stderr);
    assert.match(unreachable.stderr, /connection refused \(UNREACHABLE\)\nhint: .*gatehouse serve/);
    assert.equal(unknown.code, 2, unknown.stderr);
    assert.match(unknown.stderr, /^error: unknown command 'frobnicate' \(USAGE\)/);
    for (const r of [badToken, unreachable, unknown]) {
      assert.equal(r.stdout, '');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'never a stack trace');
    }
  });
});

describe('gatehouse serve (child process)', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gh-serve-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  /** Starts `serve`, waits for the banner, hands it over, then stops the process with SIGTERM and returns its exit code. */
  async function serve(use: (banner: string) => Promise<void>): Promise<number | null> {
    const child = spawn(process.execPath, [bin, 'serve', '--api-port', '0', '--gateway-port', '0', '--data-dir', dataDir], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', GATEHOUSE_LOG_LEVEL: 'warn', GATEHOUSE_SANDBOX: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      let stderr = '';
      const banner = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner within ${CHILD_TIMEOUT_MS} ms:\n${stderr}`)), CHILD_TIMEOUT_MS);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/Next steps:[\s\S]*gatehouse token create/.test(stderr)) {
            clearTimeout(timer);
            resolve(stderr);
          }
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited with ${code}:\n${stderr}`));
        });
      });
      await use(banner);
    } finally {
      child.kill('SIGTERM');
    }
    return exited;
  }

  const apiUrlOf = (banner: string) => /management API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] ?? '';

  test('prints URLs and the bootstrap token once, keeps data across restarts, stops cleanly on SIGTERM', async () => {
    let token = '';
    const first = await serve(async (banner) => {
      const apiUrl = apiUrlOf(banner);
      token = /export GATEHOUSE_TOKEN=(gh_\S+)/.exec(banner)?.[1] ?? '';
      assert.ok(apiUrl && token, banner);
      assert.match(banner, /gateway\s+http:\/\/127\.0\.0\.1:\d+/);
      const created = await fetch(`${apiUrl}/v1/environments`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"name":"persisted"}' });
      assert.equal(created.status, 201);
      const ready = await fetch(`${apiUrl}/readyz`);
      assert.equal(ready.status, 200, 'ready: the store answers and the gateway holds a snapshot');
    });
    assert.equal(first, 0, 'graceful shutdown exits 0');

    const second = await serve(async (banner) => {
      assert.doesNotMatch(banner, /gh_[A-Za-z0-9_-]{20,}/, 'the bootstrap token is shown only while no admin token is usable');
      assert.match(banner, /admin token already exists/);
      const listed = await fetch(`${apiUrlOf(banner)}/v1/environments`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(listed.status, 200);
      assert.deepEqual(((await listed.json()) as { items: { name: string }[] }).items.map((e) => e.name), ['persisted']);
    });
    assert.equal(second, 0);
  });
});
