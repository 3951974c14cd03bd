import { describe, test } from 'node:test';
import { startHarness } from '../../src/control/onboarding/test-harness.ts';
import { assertExactlyOnce } from './support/onboarding.ts';

/**
 * Issue 4's fault test: 200 apps onboarded with 429s, 503/504s and replication delays switched on; every app ends
 * registered exactly once (one application, one service principal, one secret) and nothing is left over in Entra —
 * in one process (the SIGKILL variant: entra-onboarding-sigkill.test.ts).
 */
const APPS = 200;


describe('onboarding under faults', () => {
  test(`${APPS} apps with 429, 5xx and replication delay: each registered exactly once, no orphan`, async () => {
    const h = await startHarness({ runner: { concurrency: 8, maxAttempts: 100, retryDelayMs: () => 1_000 } });
    try {
      const api = await h.addApi('faulty');
      const appIds: string[] = [];
      appIds.push(...(await h.addOnboardedApps('app', APPS, api)).map((a) => a.app.id));
      // Each app is two owned objects (application + service principal); Entra's default per-principal quota is 250.
      h.emu.control.updateSettings({ ownedObjectQuota: 1_000 });
      h.emu.control.faults.set({ replicationDelayMs: 4_000, failRate5xx: 0.1, seed: 42, throttle: { ruPerWindow: 150, windowMs: 10_000 } });
      const retries = { throttled: 0 };
      for (let round = 0; round < 200; round++) {
        await Promise.all(Array.from({ length: 8 }, () => h.runner.runUntilIdle()));
        const open = (await h.store.jobs.list({ state: 'pending' }, { limit: 1 })).items.length;
        if (open === 0) break;
        retries.throttled++;
        h.emu.control.clock.advance(2_000);
      }
      h.emu.control.faults.clear();
      await assertExactlyOnce(h, appIds);
    } finally {
      await h.close();
    }
  });
});
