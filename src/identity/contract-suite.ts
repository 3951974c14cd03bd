import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseError } from '../core/errors.ts';
import type { IdentityProvider } from '../core/ports/identity.ts';

/**
 * The shared contract every identity adapter passes, run against its real counterpart (src/identity/entra against
 * the Entra emulator; local trivially). Behaviour the port promises is tested here once; adapter-specific behaviour
 * (error wording, Graph retries) lives next to each adapter. Operations are gated by the adapter's capabilities,
 * and an adapter must refuse what it does not declare.
 */
export interface ContractSubject {
  provider: IdentityProvider;
  /** Current time as the IdP sees it (the emulator's clock may differ from ours). */
  now(): number;
  close(): Promise<void>;
}

const notSupported = (e: unknown) => e instanceof GatehouseError && e.code === 'IDP_REJECTED' && e.extras.idpCode === 'NOT_SUPPORTED';
const DAY = 86_400_000;
let counter = 0;
const unique = (tag: string) => `gh-ct-${tag}-${process.pid}-${++counter}`;

export function identityContractSuite(name: string, open: () => Promise<ContractSubject>): void {
  const withSubject = (fn: (s: ContractSubject) => Promise<void>) => async () => {
    const s = await open();
    try { await fn(s); } finally { await s.close(); }
  };

  test(`${name}: declares its capabilities and refuses what it does not declare`, withSubject(async ({ provider }) => {
    const caps = await provider.loadCapabilities();
    for (const k of ['registersClients', 'softDelete', 'restore', 'secrets', 'certificates', 'listOwnedClients', 'readCredentials', 'resourceApps', 'appRoles'] as const) {
      assert.equal(typeof caps[k], 'boolean', k);
    }
    if (!caps.registersClients) await assert.rejects(provider.upsertClient({ uniqueName: unique('x'), displayName: 'x' }), notSupported);
    if (!caps.resourceApps) await assert.rejects(provider.ensureResourceApp({ uniqueName: unique('r'), displayName: 'r', roles: [], requireRoleAssignment: false }), notSupported);
    if (!caps.appRoles) {
      await assert.rejects(provider.grantAppRole({ resourceApp: { clientId: 'a', objectId: 'b', identifierUri: 'c', principalId: 'd', roles: [], requireRoleAssignment: false }, principalId: 'e', roleId: 'f' }), notSupported);
    }
    const report = await provider.check();
    assert.equal(report.healthy, true, JSON.stringify(report.findings));
  }));

  test(`${name}: upsert by uniqueName never duplicates; principal creation is idempotent`, withSubject(async ({ provider }) => {
    if (!provider.capabilities.registersClients) return;
    const uniqueName = unique('app');
    const a = await provider.upsertClient({ uniqueName, displayName: 'first' });
    const b = await provider.upsertClient({ uniqueName, displayName: 'second' });
    assert.equal(a.created, true);
    assert.equal(b.created, false);
    assert.equal(b.registration.objectId, a.registration.objectId);
    assert.equal(b.registration.clientId, a.registration.clientId);
    assert.equal(b.registration.uniqueName, uniqueName);
    const read = await provider.getClient(a.registration.objectId);
    assert.equal(read?.clientId, a.registration.clientId);
    const p1 = await provider.ensureClientPrincipal(a.registration.clientId);
    const p2 = await provider.ensureClientPrincipal(a.registration.clientId);
    assert.deepEqual([p1.created, p2.created], [true, false]);
    assert.equal(p2.principalId, p1.principalId);
  }));

  test(`${name}: a secret is returned once, with the asked expiry, and can be removed`, withSubject(async ({ provider, now }) => {
    if (!provider.capabilities.secrets) return;
    const owner = provider.capabilities.registersClients
      ? (await provider.upsertClient({ uniqueName: unique('sec'), displayName: 'sec' })).registration.objectId
      : 'app_local';
    const expiresAt = now() + 90 * DAY;
    const s = await provider.addSecret(owner, { displayName: 'ct secret', expiresAt });
    assert.ok(s.secret.length >= 16);
    assert.equal(s.hint, s.secret.slice(0, s.hint.length));
    assert.ok(Math.abs(s.expiresAt - expiresAt) < 1000);
    await assert.rejects(provider.addSecret(owner, { displayName: 'past', expiresAt: now() - DAY }));
    if (provider.capabilities.readCredentials) {
      const creds = await provider.readCredentials(owner);
      const mine = creds.find((c) => c.keyId === s.keyId);
      assert.equal(mine?.kind, 'secret');
      assert.equal(mine?.hint, s.hint);
      assert.ok(!JSON.stringify(creds).includes(s.secret), 'metadata never carries the secret');
    }
    await provider.removeSecret(owner, s.keyId);
    await provider.removeSecret(owner, s.keyId); // already gone: still fine
    if (provider.capabilities.readCredentials) {
      assert.equal((await provider.readCredentials(owner)).some((c) => c.keyId === s.keyId), false);
    }
  }));

  test(`${name}: owned clients are listed page by page`, withSubject(async ({ provider }) => {
    if (!provider.capabilities.listOwnedClients) return;
    const names = [unique('own'), unique('own'), unique('own')];
    for (const n of names) await provider.upsertClient({ uniqueName: n, displayName: n });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await provider.listOwnedClients({ cursor, limit: 2 });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((i) => i.uniqueName ?? ''));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    for (const n of names) assert.ok(seen.includes(n), `${n} listed`);
    assert.equal(new Set(seen).size, seen.length, 'no client listed twice');
  }));

  test(`${name}: delete is soft (restorable), purge is final, both idempotent`, withSubject(async ({ provider }) => {
    if (!provider.capabilities.softDelete) return;
    const { registration } = await provider.upsertClient({ uniqueName: unique('del'), displayName: 'del' });
    await provider.deleteClient(registration.objectId);
    assert.equal(await provider.getClient(registration.objectId), null);
    await provider.deleteClient(registration.objectId);
    if (provider.capabilities.restore && provider.restoreClient) {
      const back = await provider.restoreClient(registration.objectId);
      assert.equal(back.clientId, registration.clientId);
      await provider.deleteClient(registration.objectId);
    }
    await provider.purgeClient(registration.objectId);
    await provider.purgeClient(registration.objectId);
    if (provider.restoreClient) await assert.rejects(provider.restoreClient(registration.objectId));
  }));

  test(`${name}: resource app is idempotent and is the audience the gateway accepts`, withSubject(async ({ provider }) => {
    if (!provider.capabilities.resourceApps) return;
    const roles = [{ id: '2b7a3c1e-0000-8000-8000-000000000001', value: 'API.one', displayName: 'One' }];
    const uniqueName = unique('res');
    const a = await provider.ensureResourceApp({ uniqueName, displayName: 'res', roles, requireRoleAssignment: true });
    const b = await provider.ensureResourceApp({ uniqueName, displayName: 'res', roles, requireRoleAssignment: true });
    assert.equal(b.resourceApp.clientId, a.resourceApp.clientId);
    assert.equal(b.resourceApp.identifierUri, a.resourceApp.identifierUri);
    assert.ok(a.writes.length > 0);
    const issuers = provider.describeTokenIssuers(a.resourceApp);
    assert.ok(issuers.issuers.length > 0);
    assert.ok(issuers.audiences.includes(a.resourceApp.clientId));
    assert.equal(issuers.scope, `${a.resourceApp.identifierUri}/.default`);
    if (provider.capabilities.appRoles) {
      const client = await provider.upsertClient({ uniqueName: unique('rolecl'), displayName: 'c' });
      const sp = await provider.ensureClientPrincipal(client.registration.clientId);
      const g1 = await provider.grantAppRole({ resourceApp: a.resourceApp, principalId: sp.principalId, roleId: roles[0]!.id });
      const g2 = await provider.grantAppRole({ resourceApp: a.resourceApp, principalId: sp.principalId, roleId: roles[0]!.id });
      assert.deepEqual([g1.created, g2.created], [true, false]);
      assert.equal(g2.assignmentId, g1.assignmentId);
      await provider.revokeAppRole(a.resourceApp, g1.assignmentId);
      await provider.revokeAppRole(a.resourceApp, g1.assignmentId);
    }
  }));
}
