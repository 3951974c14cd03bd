import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Provider } from '../../core/domain.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import { claimOnboardingSecret } from './delivery.ts';
import { startHarness } from './test-harness.ts';

/**
 * "A crash at any step resumes without duplicates": the adapter call succeeds in Entra, then the process "dies"
 * before the step is recorded. The resumed job must end with one application, one service principal and one
 * secret — the one it recorded and delivers.
 */
for (const step of ['upsertClient', 'ensureClientPrincipal', 'addSecret'] as const) {
  describe(`crash right after ${step}`, () => {
    test('resumes without duplicates and delivers the recorded secret', async () => {
      const h = await startHarness({ runner: { retryDelayMs: () => 0 } });
      try {
        const original = h.deps.identityFor;
        let crashed = false;
        h.deps.identityFor = (provider: Provider): IdentityProvider => {
          const real = original(provider);
          return new Proxy(real, {
            get(target, key) {
              const value = Reflect.get(target, key, target);
              if (key === step && !crashed) {
                return async (...args: unknown[]) => {
                  await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
                  crashed = true;
                  throw new Error(`simulated crash after ${step}`);
                };
              }
              return typeof value === 'function' ? value.bind(target) : value;
            },
          });
        };
        const api = await h.addApi('crash');
        const { app, jobId } = await h.addOnboardedApp('victim', api);
        await h.runner.runUntilIdle();
        assert.equal(crashed, true);
        const job = (await h.store.jobs.get(jobId))!;
        assert.equal(job.state, 'succeeded', job.lastError ?? '');
        assert.equal(job.attempts, 2);
        const tenant = (h.emu.control.state().tenants as any[])[0];
        const apps = tenant.applications.filter((a: any) => a.uniqueName === `gh-${app.id}`);
        assert.equal(apps.length, 1);
        assert.equal(tenant.servicePrincipals.filter((sp: any) => sp.appId === apps[0].appId).length, 1);
        assert.equal(apps[0]._secrets.length, 1, 'the unrecorded secret was removed');
        const creds = (await h.store.credentials.list({ ownerType: 'app', ownerId: app.id })).items;
        assert.deepEqual(creds.map((c) => c.keyId), [apps[0]._secrets[0].keyId]);
        const claim = await claimOnboardingSecret(h.deps, jobId);
        assert.equal(claim.status, 'delivered');
        assert.equal(claim.status === 'delivered' && claim.secret.keyId, creds[0]!.keyId);
      } finally {
        await h.close();
      }
    });
  });
}
