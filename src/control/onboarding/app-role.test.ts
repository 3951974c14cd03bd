import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { Api, ClientApp, Contract, Job } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { ResourceApp } from '../../core/ports/identity.ts';
import { listAll } from '../context.ts';
import { APP_ROLE_JOB, appRoleJobKey } from './app-role.ts';
import { readResourceApp, roleIdForApi } from './names.ts';
import { requestAppRoleSync, requestResourceAppSetup } from './requests.ts';
import { startHarness, type Harness } from './test-harness.ts';

/**
 * The app-role job against the emulator: an onboarded app with contracts to APIs A and B; revoking A removes exactly
 * A's assignment, re-approving grants it again, a repeat changes nothing, and a Graph outage is retried by the job.
 */
describe('app role per contract', () => {
  let h: Harness;
  let apiA: Api;
  let apiB: Api;
  let app: ClientApp;
  let contractA: Contract;
  let resourceApp: ResourceApp;

  before(async () => {
    h = await startHarness({ runner: { retryDelayMs: () => 1_000 } });
    apiA = await h.addApi('orders');
    apiB = await h.addApi('billing');
    await h.store.transaction(async (tx) => requestResourceAppSetup(tx, h.clock.now(), h.environmentId, (await tx.providers.get(h.providerId))!));
    await h.runner.runUntilIdle();
    resourceApp = readResourceApp(await h.provider(), h.environmentId)!;
    ({ app } = await h.addOnboardedApp('shop', apiA));
    await h.runner.runUntilIdle();
    app = (await h.store.apps.get(app.id))!;
    contractA = (await h.store.contracts.list({ appId: app.id, apiId: apiA.id })).items[0]!;
  });
  after(async () => { await h.close(); });

  /** Role ids the emulator has assigned to the app's service principal on the resource app. */
  function assignedRoles(): string[] {
    const tenant = (h.emu.control.state().tenants as any[])[0];
    const clientSp = tenant.servicePrincipals.find((sp: any) => sp.appId === app.clientId);
    const resourceSp = tenant.servicePrincipals.find((sp: any) => sp.id === resourceApp.principalId);
    return resourceSp._appRoleAssignedTo.filter((a: any) => a.principalId === clientSp.id).map((a: any) => a.appRoleId).sort();
  }

  async function decide(contract: Contract, state: Contract['state']): Promise<Job> {
    return h.store.transaction(async (tx) => {
      const after = { ...contract, state, updatedAt: h.clock.now() };
      await tx.contracts.update(after);
      return (await requestAppRoleSync(tx, h.clock.now(), app, after, (await tx.providers.get(h.providerId))!))!;
    });
  }

  async function approve(api: Api): Promise<Contract> {
    const tierId = (await h.store.tiers.list({ apiId: api.id })).items[0]!.id;
    const now = h.clock.now();
    const contract: Contract = {
      id: newId('contract', now), appId: app.id, apiId: api.id, tierId, state: 'requested',
      requestedBy: 'test', decidedBy: null, reason: null, createdAt: now, updatedAt: now,
    };
    await h.store.contracts.insert(contract);
    await decide(contract, 'approved');
    return { ...contract, state: 'approved' };
  }

  test('a second approved contract of a registered app grants its API role', async () => {
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiA.id)], 'onboarding granted A');
    await approve(apiB);
    assert.equal(await h.runner.runUntilIdle(), 1);
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiA.id), roleIdForApi(apiB.id)].sort());
  });

  test('revoking A removes exactly A\'s assignment, audited with Entra\'s activity name; a repeat changes nothing', async () => {
    const job = await decide(contractA, 'revoked');
    assert.equal(job.key, appRoleJobKey(app.id, apiA.id));
    assert.equal(await h.runner.runUntilIdle(), 1);
    assert.equal((await h.store.jobs.get(job.id))!.state, 'succeeded');
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiB.id)]);
    const events = (await h.store.audit.list({ type: 'app_role.revoked' })).items;
    assert.equal(events.length, 1);
    assert.equal(events[0]!.entityId, contractA.id);
    assert.equal(events[0]!.idpActivity, ENTRA_ACTIVITY.removeAppRoleAssignment);
    assert.equal(events[0]!.actor, 'system:jobs');

    const repeat = await h.store.transaction(async (tx) => requestAppRoleSync(tx, h.clock.now(), app, contractA, (await tx.providers.get(h.providerId))!));
    await h.runner.runUntilIdle();
    assert.deepEqual((await h.store.jobs.get(repeat!.id))!.progress.result, { unchanged: 'not granted' });
    assert.equal((await h.store.audit.list({ type: 'app_role.revoked' })).items.length, 1, 'nothing removed, nothing audited');
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiB.id)]);
    assert.equal((await h.store.audit.verify()).ok, true);
  });

  test('re-approving A (a new contract) grants the role again', async () => {
    const again = await approve(apiA);
    assert.equal(await h.runner.runUntilIdle(), 1);
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiA.id), roleIdForApi(apiB.id)].sort());
    const granted = (await h.store.audit.list({ type: 'app_role.granted', entityId: again.id })).items;
    assert.deepEqual(granted.map((e) => e.idpActivity), [ENTRA_ACTIVITY.addAppRoleAssignment]);
    contractA = again;
  });

  test('a revoke that meets a Graph outage is retried by the job and leaves no assignment behind', async () => {
    const job = await decide(contractA, 'revoked');
    h.emu.control.faults.set({ failRate5xx: 1, failStatuses: [503], seed: 1 });
    try {
      await h.runner.runUntilIdle();
      const failed = (await h.store.jobs.get(job.id))!;
      assert.equal(failed.state, 'pending', 'retried later, not given up');
      assert.equal(failed.attempts, 1);
      assert.match(failed.lastError!, /unavailable|503/i);
    } finally {
      h.emu.control.faults.clear();
    }
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiA.id), roleIdForApi(apiB.id)].sort(), 'still there while Graph is down');
    h.emu.control.clock.advance(2_000);
    assert.equal(await h.runner.runUntilIdle(), 1);
    assert.equal((await h.store.jobs.get(job.id))!.state, 'succeeded');
    assert.deepEqual(assignedRoles(), [roleIdForApi(apiB.id)], 'no orphaned assignment');
  });

  test('a decision while the job for the same app and API runs gets a job of its own (the running one read before it)', async () => {
    const pending = await decide(contractA, 'revoked');
    await h.store.jobs.update({ ...pending, state: 'running' });
    try {
      const next = await h.store.transaction(async (tx) => requestAppRoleSync(tx, h.clock.now(), app, contractA, (await tx.providers.get(h.providerId))!));
      assert.notEqual(next!.id, pending.id);
      assert.equal(next!.key, `${appRoleJobKey(app.id, apiA.id)}#1`);
      const reused = await h.store.transaction(async (tx) => requestAppRoleSync(tx, h.clock.now(), app, contractA, (await tx.providers.get(h.providerId))!));
      assert.equal(reused!.id, next!.id, 'a pending job is reused: it reads the state when it runs');
    } finally {
      await h.store.jobs.update({ ...(await h.store.jobs.get(pending.id))!, state: 'succeeded' });
    }
    await h.runner.runUntilIdle();
    const jobs = await listAll((p) => h.store.jobs.list({ type: APP_ROLE_JOB }, p));
    assert.deepEqual(jobs.filter((j) => j.state !== 'succeeded').map((j) => `${j.key} ${j.state} ${j.lastError}`), []);
  });

  test('a contract revoked while onboarding grants its role (and after that revoke\'s job ran) still loses the role', async () => {
    // The race across two nodes: onboarding read the contract as approved; meanwhile it was revoked and the revoke's
    // app-role job ran and found nothing to remove; then onboarding granted the role. Simulated by revoking the
    // contract in the store right as the grant reaches Entra, without a job of its own.
    const idp = h.identityFor(await h.provider());
    const grant = idp.grantAppRole.bind(idp);
    let revoked: Contract | null = null;
    idp.grantAppRole = async (input) => {
      const result = await grant(input);
      if (!revoked) {
        const [late] = (await h.store.contracts.list({ appId: lateApp.id, state: 'approved' })).items;
        revoked = { ...late!, state: 'revoked', updatedAt: h.clock.now() };
        await h.store.transaction((tx) => tx.contracts.update(revoked!));
      }
      return result;
    };
    let lateApp: ClientApp;
    try {
      ({ app: lateApp } = await h.addOnboardedApp('late-revoke', apiB));
      await h.runner.runUntilIdle();
    } finally {
      idp.grantAppRole = grant;
    }
    assert.ok(revoked, 'the grant happened');
    lateApp = (await h.store.apps.get(lateApp.id))!;
    const tenant = (h.emu.control.state().tenants as any[])[0];
    const clientSp = tenant.servicePrincipals.find((sp: any) => sp.appId === lateApp.registration!.clientId);
    const resourceSp = tenant.servicePrincipals.find((sp: any) => sp.id === resourceApp.principalId);
    assert.deepEqual(resourceSp._appRoleAssignedTo.filter((a: any) => a.principalId === clientSp.id), [], 'the late grant was converged away');
    const jobs = await listAll((p) => h.store.jobs.list({ type: APP_ROLE_JOB, key: appRoleJobKey(lateApp.id, apiB.id) }, p));
    assert.deepEqual(jobs.map((j) => j.state), ['succeeded'], 'onboarding asked for one convergence job');
  });
});
