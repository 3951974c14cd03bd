import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGatehouse, type RunningGatehouse } from '../../src/cli/serve/compose.ts';
import { run } from '../../src/cli/program.ts';
import type { Io } from '../../src/cli/context.ts';
import { api } from './support/sandbox.ts';

/**
 * `gatehouse apply` against a real Gatehouse (in-process, SQLite in memory): the CLI program runs in this process
 * and talks to the management API over HTTP like any client. What changed is read back through the API, and the
 * audit log's length proves which runs wrote nothing.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('gatehouse apply', () => {
  let gh: RunningGatehouse;
  let call: ReturnType<typeof api>;
  let dir: string;

  before(async () => {
    gh = await startGatehouse({ databaseUrl: 'sqlite::memory:', apiPort: 0, gatewayPort: 0, sandbox: false });
    call = api(gh, gh.bootstrapToken!);
    dir = await mkdtemp(join(tmpdir(), 'gh-apply-'));
    for (const name of ['local', 'other']) assert.equal((await call('POST', '/v1/providers', { name, kind: 'local' })).status, 201);
  });
  after(async () => {
    await gh.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(args: string[]) {
    let stdout = '';
    let stderr = '';
    const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: { GATEHOUSE_URL: gh.apiUrl, GATEHOUSE_TOKEN: gh.bootstrapToken! }, now: () => Date.now() };
    const code = await run(args, io);
    return { code, stdout, stderr };
  }

  async function applyText(name: string, text: string, ...flags: string[]) {
    const file = join(dir, name);
    await writeFile(file, text);
    return cli(['apply', '-f', file, ...flags]);
  }

  async function auditCount(): Promise<number> {
    let count = 0;
    let cursor: string | null = null;
    do {
      const page = (await call('GET', `/v1/audit?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body as { items: unknown[]; nextCursor: string | null };
      count += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }

  const list = async <T>(path: string): Promise<T[]> => ((await call('GET', path)).body as { items: T[] }).items;
  const envNamed = async (name: string) => (await list<{ id: string; name: string; description: string; defaultProviderId: string | null }>('/v1/environments')).find((e) => e.name === name);

  test('the example file applies cleanly, and a second apply writes nothing', async () => {
    const example = join(root, 'examples/gatehouse.yaml');
    const first = await cli(['apply', '-f', example]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied: 8 created, 0 updated, 0 unchanged/);

    const env = await envNamed('staging');
    assert.ok(env);
    const apis = await list<{ id: string; name: string; policies: unknown }>(`/v1/apis?environmentId=${env.id}`);
    assert.deepEqual(apis[0]!.policies, [{ type: 'client-id', config: { credentialsFrom: 'either' } }, { type: 'rate-limit', config: { requests: 100, windowSeconds: 60 } }]);
    const contracts = await list<{ state: string; decidedBy: string }>(`/v1/contracts?apiId=${apis[0]!.id}`);
    // gold approves manually (apply approved it), bronze automatically.
    assert.deepEqual(contracts.map((c) => c.state), ['approved', 'approved']);

    const before = await auditCount();
    const second = await cli(['apply', '-f', example]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Applied: 0 created, 0 updated, 8 unchanged/);
    assert.equal(await auditCount(), before, 'an unchanged file makes no API writes');
  });

  const FLOW = `
apiVersion: gatehouse/v1
environments:
  - name: flow
    description: first
    defaultProvider: local
apis:
  - name: pets
    environment: flow
    version: v1
    basePath: /flow/pets
    upstreamUrl: http://127.0.0.1:9/pets
    policies:
      - type: client-id
      - type: rate-limit
        config: { requests: 50, windowSeconds: 60 }
tiers:
  - { name: basic, environment: flow, api: pets, limit: { requests: 10, windowSeconds: 60 }, approval: manual }
apps:
  - { name: kennel, environment: flow, description: dogs, ownerContacts: [kennel@example.com] }
contracts:
  - { environment: flow, app: kennel, api: pets, tier: basic }
`;

  test('create, then a dry run shows exactly the changed fields and changes nothing, then apply updates, then nothing', async () => {
    const created = await applyText('flow.yaml', FLOW);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^created environment flow \[env_/m);
    assert.match(created.stdout, /^created contract kennel → pets v1 \(flow\) \[ctr_/m);

    const changed = FLOW.replace('http://127.0.0.1:9/pets', 'http://127.0.0.1:9/pets2').replace('requests: 10,', 'requests: 20,').replace('description: dogs', 'description: cats');
    const stateBefore = await Promise.all([list('/v1/apis'), list('/v1/apps'), list('/v1/environments')]);
    const auditBefore = await auditCount();

    const dry = await applyText('flow2.yaml', changed, '--dry-run', '--json');
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as { dryRun: boolean; items: { kind: string; action: string; changes: unknown[] }[]; summary: Record<string, number> };
    assert.equal(plan.dryRun, true);
    assert.deepEqual(plan.items.map((i) => [i.kind, i.action, i.changes]), [
      ['environment', 'unchanged', []],
      ['api', 'update', [{ field: 'upstreamUrl', from: 'http://127.0.0.1:9/pets', to: 'http://127.0.0.1:9/pets2' }]],
      ['tier', 'update', [{ field: 'limit.requests', from: 10, to: 20 }]],
      ['app', 'update', [{ field: 'description', from: 'dogs', to: 'cats' }]],
      ['contract', 'unchanged', []],
    ]);
    const text = await applyText('flow2.yaml', changed, '--dry-run');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^~ update api pets v1 \(flow\) \[api_\w+\]\n {4}upstreamUrl: "http:\/\/127\.0\.0\.1:9\/pets" → "http:\/\/127\.0\.0\.1:9\/pets2"\n/m);
    assert.match(text.stdout, /^Plan: 0 to create, 3 to update, 2 unchanged; \d+ not in file \(left alone\)\.\nDry run: nothing was changed\.\n$/m);
    assert.equal(await auditCount(), auditBefore, 'a dry run writes nothing');
    assert.deepEqual(await Promise.all([list('/v1/apis'), list('/v1/apps'), list('/v1/environments')]), stateBefore);

    const applied = await applyText('flow2.yaml', changed);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /Applied: 0 created, 3 updated, 2 unchanged/);
    assert.equal(await auditCount(), auditBefore + 3, 'one audit event per changed item');
    const pets = (await list<{ name: string; upstreamUrl: string }>('/v1/apis')).find((a) => a.name === 'pets');
    assert.equal(pets!.upstreamUrl, 'http://127.0.0.1:9/pets2');

    const again = await applyText('flow2.yaml', changed);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Applied: 0 created, 0 updated, 5 unchanged/);
    assert.equal(await auditCount(), auditBefore + 3, 'the second apply is a no-op');
  });

  test('an invalid file exits 2 with the path of each problem, and nothing is created', async () => {
    const auditBefore = await auditCount();
    const bad = FLOW.replaceAll('flow', 'broken').replace('basePath: /broken/pets', 'basePth: /broken/pets').replace('requests: 10,', 'requests: ten,');
    const r = await applyText('bad.yaml', bad);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.yaml: apis\.0\.basePth: unknown field\n/);
    assert.match(r.stderr, /bad\.yaml: apis\.0\.basePath: /);
    assert.match(r.stderr, /bad\.yaml: tiers\.0\.limit\.requests: /);
    assert.match(r.stderr, /^error: .*bad\.yaml is not valid \(3 problems\); nothing was changed \(USAGE\)$/m);
    assert.equal(await envNamed('broken'), undefined);
    assert.equal(await auditCount(), auditBefore);
  });

  test('a change the API cannot make is refused before any write, saying what to do instead', async () => {
    const auditBefore = await auditCount();
    const moved = FLOW.replace('tiers:\n', 'tiers:\n  - { name: premium, environment: flow, api: pets, limit: { requests: 99, windowSeconds: 60 } }\n')
      .replace('api: pets, tier: basic', 'api: pets, tier: premium')
      .replace('ownerContacts: [kennel@example.com] }', 'ownerContacts: [kennel@example.com], provider: other }');
    const r = await applyText('moved.yaml', moved);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /moved\.yaml: apps\.0\.provider: app kennel \(flow\) is registered with provider "local", and an app's provider cannot change/);
    assert.match(r.stderr, /moved\.yaml: contracts\.0\.tier: contract ctr_\w+ .* is approved on tier basic, and a contract's tier cannot change; revoke it \(gatehouse contract revoke ctr_\w+\)/);
    assert.match(r.stderr, /^error: .*cannot be applied \(2 problems\); nothing was changed \(IMMUTABLE_FIELD\)$/m);
    assert.equal(await auditCount(), auditBefore, 'not even the new tier was created');
  });

  test('a file naming a provider Gatehouse does not have is refused before anything is created', async () => {
    const auditBefore = await auditCount();
    const r = await applyText('ghost.yaml', FLOW.replaceAll('flow', 'ghost').replace('defaultProvider: local', 'defaultProvider: vault-of-secrets'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ghost\.yaml: environments\.0\.defaultProvider: no provider named "vault-of-secrets" in Gatehouse/);
    assert.match(r.stderr, /\(UNRESOLVED_REFERENCE\)$/m);
    assert.equal(await envNamed('ghost'), undefined);
    assert.equal(await auditCount(), auditBefore);
  });

  test('an API error midway stops the run, says what was done and what failed; running again continues', async () => {
    // The API accepts clients of provider "other", the app authenticates with "local": only the contract write
    // can tell (PROVIDER_MISMATCH), after everything before it has been created.
    const mismatched = FLOW.replaceAll('flow', 'half').replace('defaultProvider: local', 'defaultProvider: local\n    providers: [other]')
      .replace('    policies:', '    provider: other\n    policies:');
    const r = await applyText('half.yaml', mismatched);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^created environment half \[env_/m);
    assert.match(r.stdout, /^created app kennel \(half\) \[app_/m);
    assert.match(r.stdout, /^FAILED to apply contract kennel → pets v1 \(half\)\n(.*\n)* {4}error: .* \(PROVIDER_MISMATCH\)$/m);
    assert.match(r.stdout, /^Stopped: 4 created, 0 updated, 0 unchanged, 1 failed, 0 not attempted\./m);
    assert.match(r.stderr, /^error: App kennel authenticates with provider .* \(PROVIDER_MISMATCH\)$/m);

    const fixed = await applyText('half.yaml', mismatched.replace('    provider: other\n', '    provider: local\n'));
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stdout, /^updated api pets v1 \(half\) \[api_\w+\]\n {4}provider: "other" → "local"$/m);
    assert.match(fixed.stdout, /Applied: 1 created, 1 updated, 3 unchanged/);
  });

  test('the file can come from stdin (the real executable)', async () => {
    const example = await readFile(join(root, 'examples/gatehouse.yaml'), 'utf8');
    const child = spawn(process.execPath, [join(root, 'bin/gatehouse.mjs'), 'apply', '-f', '-', '--dry-run'], {
      cwd: root, env: { PATH: process.env.PATH ?? '', GATEHOUSE_URL: gh.apiUrl, GATEHOUSE_TOKEN: gh.bootstrapToken!, GATEHOUSE_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.end(example);
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^Plan: 0 to create, 0 to update, 8 unchanged;/m);
  });
});
