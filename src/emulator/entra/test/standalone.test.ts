import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { privateDataDir, sharedTestDataDir } from './helpers.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Runs a script in a child Node process (tsx), so env such as NODE_EXTRA_CA_CERTS applies from start-up. */
function runChild(script: string, env: Record<string, string> = {}, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
    onStdout?.(out, child);
  });
  child.stderr!.on('data', (d) => (err += d));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('standalone', () => {
  test('prints tenant, admin credentials, CA file and client settings; stops on SIGINT', async () => {
    const dataDir = await privateDataDir();
    const script = `import { runEmulatorStandalone } from './src/emulator/entra/standalone.ts'; await runEmulatorStandalone({ port: 0, dataDir: ${JSON.stringify(dataDir)} });`;
    let stopped = false;
    const result = await runChild(script, {}, (out, child) => {
      if (!stopped && out.includes('Press Ctrl+C')) {
        stopped = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /listening on https:\/\/127\.0\.0\.1:\d+/);
    assert.match(result.out, /tenant id +[0-9a-f-]{36}/);
    assert.match(result.out, /admin client id +[0-9a-f-]{36}/);
    assert.match(result.out, /admin client secret +\S{3}8Q~\S{34}/);
    assert.match(result.out, new RegExp(`export NODE_EXTRA_CA_CERTS=${dataDir}/ca.pem`));
    assert.match(result.out, /knownAuthorities +\["127\.0\.0\.1:\d+"\]/);
    assert.match(result.out, /Entra emulator stopped/);
    assert.ok(existsSync(join(dataDir, 'directory.json')), 'an explicit data folder keeps the directory');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('msal-node in another process needs only NODE_EXTRA_CA_CERTS and its authority settings', async () => {
    const dataDir = await sharedTestDataDir();
    const { startEntraEmulator } = await import('../index.ts');
    const emu = await startEntraEmulator({ dataDir });
    try {
      const script = `
        import { ConfidentialClientApplication } from '@azure/msal-node';
        const cca = new ConfidentialClientApplication({ auth: {
          clientId: ${JSON.stringify(emu.admin.clientId)}, clientSecret: ${JSON.stringify(emu.admin.clientSecret)},
          authority: ${JSON.stringify(`${emu.url}/${emu.tenantId}`)}, knownAuthorities: [${JSON.stringify(new URL(emu.url).host)}] } });
        const r = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
        console.log('TOKEN', r.accessToken.split('.').length);`;
      const result = await runChild(script, { NODE_EXTRA_CA_CERTS: emu.caCertPath });
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, /TOKEN 3/);
    } finally {
      await emu.close();
    }
  });
});
