import assert from 'node:assert/strict';
import { listAll } from '../../../src/control/context.ts';
import type { Harness } from '../../../src/control/onboarding/test-harness.ts';

/** Every onboarding job succeeded and each app is in Entra exactly once: one application, one service principal, one secret — the one the store records. */
export async function assertExactlyOnce(h: Harness, appIds: string[]) {
  const jobs = await listAll((page) => h.store.jobs.list({ type: 'idp.onboard' }, page));
  const failed = jobs.filter((j) => j.state !== 'succeeded');
  assert.deepEqual(failed.map((j) => `${j.state}: ${j.lastError}`), [], 'every onboarding job succeeded');
  const tenant = (h.emu.control.state().tenants as any[])[0];
  const gatehouseApps = tenant.applications.filter((a: any) => String(a.uniqueName ?? '').startsWith('gh-app_'));
  assert.equal(gatehouseApps.length, appIds.length, 'no orphan or duplicate application');
  const byUniqueName = new Map(gatehouseApps.map((a: any) => [a.uniqueName, a]));
  for (const id of appIds) {
    const stored = (await h.store.apps.get(id))!;
    const emuApp: any = byUniqueName.get(`gh-${id}`);
    assert.ok(emuApp, `app ${id} registered`);
    assert.equal(emuApp._deleted, false);
    assert.equal(stored.registration?.objectId, emuApp.id);
    assert.equal(stored.clientId, emuApp.appId);
    assert.equal(emuApp._secrets.length, 1, `exactly one secret on ${id}`);
    const sps = tenant.servicePrincipals.filter((sp: any) => sp.appId === emuApp.appId);
    assert.equal(sps.length, 1, `exactly one service principal for ${id}`);
    const creds = (await h.store.credentials.list({ ownerType: 'app', ownerId: id })).items;
    assert.deepEqual(creds.map((c) => c.keyId), [emuApp._secrets[0].keyId], `the stored credential is the one in Entra (${id})`);
  }
  assert.equal((await h.store.audit.verify()).ok, true);
}
