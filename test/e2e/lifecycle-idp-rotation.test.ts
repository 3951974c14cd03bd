import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientApp, Environment, Provider } from '../../src/core/domain.ts';
import { GatehouseError } from '../../src/core/errors.ts';
import { newId } from '../../src/core/ids.ts';
import type { AddSecretInput, IssuedSecret } from '../../src/core/ports/identity.ts';
import { SYSTEM_CALLER } from '../../src/control/index.ts';
import { rotateCredential, sweepRetiringCredentials, type LifecycleDeps, type SecretBackend } from '../../src/control/lifecycle/index.ts';
import { startWorld, T0, type LifecycleWorld } from '../../src/control/lifecycle/testing/world.ts';

/**
 * Rotation against an IdP-backed provider through the SecretBackend slot (the identity port's addSecret /
 * removeSecret): the secret is added in the IdP first, only metadata is stored (no hash: the IdP checks it), the old
 * one is removed in the IdP when its grace ends, and an IdP outage leaves it retiring for the next sweep.
 */
const DAY = 86_400_000;

class FakeIdp implements SecretBackend {
  secrets = new Map<string, { objectId: string; input: AddSecretInput }>();
  removeCalls: string[] = [];
  down = false;
  async addSecret(objectId: string, input: AddSecretInput): Promise<IssuedSecret> {
    if (this.down) throw new GatehouseError('IDP_UNAVAILABLE', 'IdP down', { idpCode: 'ServiceUnavailable', hint: 'retry' });
    const keyId = crypto.randomUUID();
    this.secrets.set(keyId, { objectId, input });
    return { keyId, secret: 'Q~' + 'x'.repeat(38), hint: 'Q~x', createdAt: T0, expiresAt: input.expiresAt };
  }
  async removeSecret(objectId: string, keyId: string): Promise<void> {
    this.removeCalls.push(`${objectId}/${keyId}`);
    if (this.down) throw new GatehouseError('IDP_UNAVAILABLE', 'IdP down', { idpCode: 'ServiceUnavailable', hint: 'retry' });
    this.secrets.delete(keyId);
  }
}

let world: LifecycleWorld;
let idp: FakeIdp;
let deps: LifecycleDeps;
let app: ClientApp;

before(async () => {
  world = await startWorld();
  idp = new FakeIdp();
  deps = { store: world.store, clock: world.clock, lifecycleStore: world.lifecycleStore, secretBackendFor: (p) => {
    assert.equal(p.kind, 'entra');
    return idp;
  } };
  const provider: Provider = { id: newId('provider'), name: 'contoso', kind: 'entra', config: {}, secretCiphertext: null, createdAt: T0, updatedAt: T0 };
  const env: Environment = {
    id: newId('environment'), name: 'entra-env', description: '', defaultProviderId: provider.id, providerIds: [provider.id],
    settings: { credentialLifetimeDays: 90, alertThresholdsDays: [30] }, createdAt: T0, updatedAt: T0,
  };
  app = {
    id: newId('app'), environmentId: env.id, name: 'billing', description: '', ownerContacts: [], ownerSubject: null, providerId: null,
    clientId: '11111111-2222-3333-4444-555555555555', registration: { clientId: '11111111-2222-3333-4444-555555555555', objectId: 'obj-1', uniqueName: 'gatehouse-x' },
    createdAt: T0, updatedAt: T0,
  };
  await world.store.transaction(async (tx) => {
    await tx.providers.insert(provider);
    await tx.environments.insert(env);
    await tx.apps.insert(app);
  });
});
after(() => world?.close());

test('adds in the IdP first, stores metadata only, removes in the IdP after grace', async () => {
  const first = await rotateCredential(deps, SYSTEM_CALLER, { appId: app.id });
  const [keyId1] = [...idp.secrets.keys()];
  assert.equal(first.credential.keyId, keyId1);
  assert.notEqual(first.credential.id, keyId1);
  assert.equal(first.credential.expiresAt, T0 + 90 * DAY);
  assert.equal(idp.secrets.get(keyId1!)!.objectId, 'obj-1');
  assert.equal(idp.secrets.get(keyId1!)!.input.displayName, `gatehouse:${first.credential.id}`);
  assert.equal((await world.store.credentials.get(first.credential.id))!.secretHash, null, 'the IdP checks it, so no hash is kept');
  assert.equal(first.secret, 'Q~' + 'x'.repeat(38));

  const second = await rotateCredential(deps, SYSTEM_CALLER, { appId: app.id, graceDays: 1 });
  assert.deepEqual(second.retiring.map((c) => c.id), [first.credential.id]);
  assert.equal(idp.secrets.size, 2, 'both work in the IdP during grace');

  // Grace over, IdP down: nothing removed here either; retried next sweep.
  world.clock.advance(DAY);
  idp.down = true;
  const failed = await sweepRetiringCredentials(deps);
  assert.deepEqual(failed, { removed: 0, errors: [{ credentialId: first.credential.id, code: 'IDP_UNAVAILABLE' }] });
  assert.equal((await world.store.credentials.get(first.credential.id))!.state, 'retiring');
  idp.down = false;
  assert.deepEqual(await sweepRetiringCredentials(deps), { removed: 1, errors: [] });
  assert.equal((await world.store.credentials.get(first.credential.id))!.state, 'removed');
  assert.deepEqual([...idp.secrets.keys()], [second.credential.keyId]);
  assert.deepEqual(idp.removeCalls, [`obj-1/${keyId1}`, `obj-1/${keyId1}`]);
});

test('an IdP outage while adding changes nothing', async () => {
  const before = await world.store.credentials.list({ ownerType: 'app', ownerId: app.id });
  idp.down = true;
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId: app.id }), { code: 'IDP_UNAVAILABLE' });
  idp.down = false;
  assert.deepEqual(await world.store.credentials.list({ ownerType: 'app', ownerId: app.id }), before);
});

test('a provider kind without a backend is refused clearly', async () => {
  await assert.rejects(rotateCredential({ ...deps, secretBackendFor: undefined }, SYSTEM_CALLER, { appId: app.id }), (e: GatehouseError) => e.code === 'CONFLICT' && /entra/.test(e.message));
});

test('an IdP app not yet registered cannot be rotated', async () => {
  const unregistered = { ...app, id: newId('app'), name: 'pending', registration: null, clientId: null };
  await world.store.transaction((tx) => tx.apps.insert(unregistered));
  await assert.rejects(rotateCredential(deps, SYSTEM_CALLER, { appId: unregistered.id }), { code: 'CONFLICT' });
  assert.equal(idp.secrets.size, 1);
});
