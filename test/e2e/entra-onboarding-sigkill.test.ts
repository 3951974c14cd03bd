import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { listAll } from '../../src/control/context.ts';
import { startHarness } from '../../src/control/onboarding/test-harness.ts';
import { assertExactlyOnce } from './support/onboarding.ts';
import { startEntraEmulator } from '../../src/emulator/entra/index.ts';

/**
 * Issue 4's crash test: 200 apps onboarded with 429s, 503/504s and replication delays switched on; every app ends
 * registered exactly once (one application, one service principal, one secret) and nothing is left over in Entra —
 * with the worker process killed by SIGKILL mid-run and restarted (the in-process variant: entra-onboarding-faults.test.ts).
 */
const APPS = 200;


describe('onboarding survives SIGKILL', () => {
  test(`${APPS} apps, worker killed with SIGKILL mid-run and restarted: still exactly once, no orphan`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-sigkill-'));
    const emu = await startEntraEmulator({ adminAppPermissions: ['Application.ReadWrite.OwnedBy'] });
    const masterKey = randomBytes(32);
    const storeUrl = `sqlite:${join(dir, 'gatehouse.db')}`;
    const h = await startHarness({ emulator: emu, storeUrl, masterKey, virtualTime: false });
    const children: ChildProcess[] = [];
    const worker = fileURLToPath(new URL('../../src/control/onboarding/worker-process.ts', import.meta.url));
    const spawnWorker = (owner: string) => {
      const child = fork(worker, [], {
        execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, GH_STORE_URL: storeUrl, GATEHOUSE_MASTER_KEY: masterKey.toString('base64'), GH_OWNER: owner, GH_LOCK_MS: '3000', GH_CONCURRENCY: '32' },
      });
      children.push(child);
      return child;
    };
    const succeeded = async () => (await listAll((page) => h.store.jobs.list({ type: 'idp.onboard', state: 'succeeded' }, page))).length;
    try {
      const api = await h.addApi('crashy');
      const appIds: string[] = [];
      appIds.push(...(await h.addOnboardedApps('app', APPS, api)).map((a) => a.app.id));
      emu.control.updateSettings({ ownedObjectQuota: 1_000 });
      emu.control.faults.set({ replicationDelayMs: 150, failRate5xx: 0.1, seed: 9, throttle: { ruPerWindow: 400, windowMs: 1_000 } });

      const first = spawnWorker('worker-1');
      const deadline1 = Date.now() + 60_000;
      while ((await succeeded()) < APPS / 4 && Date.now() < deadline1) await new Promise((r) => setTimeout(r, 50));
      const before = await succeeded();
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      assert.ok(before > 0 && before < APPS, `killed mid-run (${before}/${APPS} done)`);
      const running = (await h.store.jobs.list({ state: 'running' }, { limit: 500 })).items.length;

      spawnWorker('worker-2');
      // Generous: on a quiet machine this takes seconds; on a loaded CI runner much longer.
      const deadline2 = Date.now() + 120_000;
      let last = -1;
      while ((last = await succeeded()) < APPS && Date.now() < deadline2) {
        if (process.env.GH_TEST_VERBOSE) console.error(new Date().toISOString(), 'succeeded', last);
        await new Promise((r) => setTimeout(r, 500));
      }
      emu.control.faults.clear();
      assert.ok(running >= 0);
      await assertExactlyOnce(h, appIds);
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await h.close();
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
