import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatehouse } from '../../src/cli/serve/compose.ts';
import { createIdentityProvider } from '../../src/identity/factory.ts';
import { RECONCILE_JOB } from '../../src/control/reconcile/index.ts';
import { api, eventually } from './support/sandbox.ts';

/**
 * Issue 6.5 "scheduled": `serve` enqueues a reconcile of the sandbox provider on its own, runs it on the job runner,
 * and puts the counts in the audit log; the next run waits for the interval (Gatehouse's clock is moved past it),
 * and then reports drift seeded in the emulated tenant behind Gatehouse's back. Report-only: nothing is repaired.
 */
test('scheduled reconcile: runs on its own, waits for the interval, reports drift seeded in Entra', { timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gh-reconcile-sched-'));
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const gh = await startGatehouse({
    dataDir, apiPort: 0, gatewayPort: 0, jobPollMs: 50, lifecycleIntervalMs: 100, env: {}, sandbox: 'auto', clock,
    reconcile: { intervalMs: 3_600_000, fix: false },
  });
  t.after(async () => {
    await gh.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const call = api(gh, gh.bootstrapToken!);
  const providerId = gh.sandbox!.providerId;
  const completed = async () => (await call('GET', `/v1/audit?type=reconcile.completed&entityId=${providerId}`)).body.items as { actor: string; after: any }[];

  const [first] = await eventually('the first scheduled reconcile', async () => ((await completed()).length >= 1 ? await completed() : undefined));
  assert.equal(first!.actor, 'reconcile');
  assert.equal(first!.after.fix, false);
  assert.equal(first!.after.counts.orphans, 0, 'a fresh sandbox has no drift');
  assert.ok(first!.after.scanned.idpClients >= 1, 'the resource app was listed in the emulated tenant');

  // Behind Gatehouse's back: an app owned by the platform, not one of ours (an orphan to report, not to adopt).
  const provider = (await gh.store.providers.get(providerId))!;
  const idp = createIdentityProvider(provider, { vault: gh.vault });
  t.after(() => idp.close?.());
  await idp.upsertClient({ uniqueName: 'team-x-batch-tool', displayName: 'Team X batch tool' });

  await new Promise((r) => setTimeout(r, 600)); // several scheduler ticks
  assert.equal((await completed()).length, 1, 'no second run before the interval has passed');
  assert.equal((await gh.store.jobs.list({ type: RECONCILE_JOB })).items.length, 1);

  offset += 3_600_000;
  const runs = await eventually('the second scheduled reconcile', async () => ((await completed()).length >= 2 ? await completed() : undefined));
  const second = runs.find((e) => e.after.counts.orphans === 1);
  assert.ok(second, `the seeded orphan is reported: ${JSON.stringify(runs.map((r) => r.after.counts))}`);
  assert.equal(second.after.repaired.orphans, 0, 'report-only: nothing repaired');
  const jobs = (await gh.store.jobs.list({ type: RECONCILE_JOB })).items;
  assert.ok(jobs.every((j) => j.state === 'succeeded'), 'both runs succeeded on the job runner');
  assert.equal((await call('GET', '/v1/audit/verify')).body.ok, true, 'the audit chain holds');

  const metrics = await (await fetch(`${gh.gatewayUrl}/metrics`)).text();
  assert.ok(metrics.includes('gatehouse_reconcile_drift_items{provider="sandbox-entra",kind="orphans"} 1'), metrics);
  assert.ok(metrics.includes('gatehouse_reconcile_drift_items{provider="sandbox-entra",kind="credentialsAdded"} 0'));
  const lastRun = /gatehouse_reconcile_last_success_timestamp_seconds\{provider="sandbox-entra"\} ([\d.e+]+)/.exec(metrics);
  assert.ok(lastRun && Number(lastRun[1]) * 1000 >= Math.max(...jobs.map((j) => j.updatedAt)) - 1, 'last run time is the latest job end');
});
