/**
 * A job-runner process for crash tests and benchmarks: runs the onboarding handlers against the store named by
 * GH_STORE_URL until killed (or, with GH_EXIT_WHEN_IDLE=1, until no unfinished job is left). Real time throughout.
 * Env: GH_STORE_URL, GATEHOUSE_MASTER_KEY, GH_OWNER, GH_LOCK_MS (1500), GH_CONCURRENCY (8).
 */
import { systemClock } from '../../core/clock.ts';
import type { Provider } from '../../core/domain.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import { createIdentityProvider } from '../../identity/factory.ts';
import { openVault } from '../../platform/vault.ts';
import { openStore } from '../../store/index.ts';
import { createJobRunner } from '../jobs/runner.ts';
import { onboardingHandlers } from './index.ts';

const env = process.env;
const store = await openStore({ url: env.GH_STORE_URL! });
const vault = openVault();
const adapters = new Map<string, IdentityProvider>();
const identityFor = (provider: Provider) => {
  const key = `${provider.id}@${provider.updatedAt}`;
  let a = adapters.get(key);
  if (!a) {
    a = createIdentityProvider(provider, { vault, retry: { baseDelayMs: 100, maxDelayMs: 2_000, consistencyWindowMs: 15_000, deadlineMs: 30_000 } });
    adapters.set(key, a);
  }
  return a;
};
const runner = createJobRunner({
  store, clock: systemClock, handlers: onboardingHandlers({ store, clock: systemClock, vault, identityFor }),
  owner: env.GH_OWNER ?? `worker-${process.pid}`, lockMs: Number(env.GH_LOCK_MS ?? 1500),
  concurrency: Number(env.GH_CONCURRENCY ?? 8), pollMs: 50, maxAttempts: 100, retryDelayMs: (n) => Math.min(2_000, 100 * 2 ** n),
});
runner.start();
process.send?.({ ready: true });
if (env.GH_EXIT_WHEN_IDLE === '1') {
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const pending = (await store.jobs.list({ state: 'pending' }, { limit: 1 })).items.length
      + (await store.jobs.list({ state: 'running' }, { limit: 1 })).items.length;
    if (pending === 0) break;
  }
  await runner.stop();
  await store.close();
  process.exit(0);
}
