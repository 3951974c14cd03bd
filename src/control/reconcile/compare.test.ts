import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientApp, Credential } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { CredentialMetadata } from '../../core/ports/identity.ts';
import { appIdFromUniqueName, compare, IN_FLIGHT_MS } from './compare.ts';
import type { IdpClient } from './inventory.ts';
import type { StoreSide } from './store-side.ts';

const NOW = Date.UTC(2026, 5, 1);
const OLD = NOW - 10 * IN_FLIGHT_MS;

function app(over: Partial<ClientApp> = {}): ClientApp {
  const id = newId('app', OLD);
  return {
    id, environmentId: 'env_x', name: 'a', description: '', ownerContacts: [], ownerSubject: null, providerId: null,
    clientId: `c-${id}`, registration: { clientId: `c-${id}`, objectId: `o-${id}`, uniqueName: `gh-${id}` }, createdAt: OLD, updatedAt: OLD, ...over,
  };
}
function cred(a: ClientApp, keyId: string, over: Partial<Credential> = {}): Credential {
  return {
    id: newId('credential', OLD), ownerType: 'app', ownerId: a.id, kind: 'secret', keyId, hint: 'abc', secretHash: null, origin: 'gatehouse',
    state: 'active', createdAt: OLD, expiresAt: NOW + 1000, retireAt: null, removedAt: null, lastUsedAt: null, ...over,
  };
}
function meta(keyId: string, over: Partial<CredentialMetadata> = {}): CredentialMetadata {
  return { kind: 'secret', keyId, hint: 'abc', displayName: 'portal', startsAt: OLD, expiresAt: NOW + 1000, ...over };
}
function client(a: ClientApp | null, credentials: CredentialMetadata[], over: Partial<IdpClient['registration']> = {}): IdpClient {
  return {
    registration: {
      clientId: a?.registration?.clientId ?? 'c-new', objectId: a?.registration?.objectId ?? 'o-new', uniqueName: a?.registration?.uniqueName ?? null,
      displayName: a?.name ?? 'x', principalId: null, deletedAt: null, ...over,
    },
    credentials, tags: [],
  };
}
function side(apps: ClientApp[], creds: Credential[]): StoreSide {
  const byApp = new Map<string, Credential[]>();
  for (const c of creds) byApp.set(c.ownerId, [...(byApp.get(c.ownerId) ?? []), c]);
  return {
    provider: {} as StoreSide['provider'], environments: new Map(), namesByEnv: new Map(),
    appsById: new Map(apps.map((a) => [a.id, a])),
    appsByObjectId: new Map(apps.filter((a) => a.registration?.objectId).map((a) => [a.registration!.objectId!, a])),
    appsByClientId: new Map(apps.filter((a) => a.clientId).map((a) => [a.clientId!, a])),
    credentialsByApp: byApp, credentialCount: creds.length, resourceAppObjectIds: new Set(['o-res']),
  };
}

test('our own writes in flight are neither imported, nor marked removed, nor reported missing', () => {
  const a = app();
  const fresh = app({ updatedAt: NOW - 60_000 });
  const f = compare([
    client(a, [meta('k-ours-new', { displayName: 'gatehouse:crd_x', startsAt: NOW - 60_000 }), meta('k-ours-old', { displayName: 'gatehouse job_1', startsAt: OLD })]),
  ], side([a, fresh], [cred(a, 'k-just-committed', { createdAt: NOW - 60_000 }), cred(a, 'k-gone')]), NOW);
  assert.deepEqual(f.credentialsAdded.map((x) => x.meta.keyId), ['k-ours-old'], 'an old credential with our label is drift all the same');
  assert.deepEqual(f.credentialsRemoved.map((x) => x.credential.keyId), ['k-gone']);
  assert.deepEqual(f.appsMissing, [], 'an app registered a minute ago may not be listed yet');
});

test('matches by object id, then client id; a live row wins over a removed twin', () => {
  const a = app();
  const b = app({ registration: null, clientId: 'c-b' });
  const f = compare([
    client(a, [meta('k1'), meta('k2', { expiresAt: NOW + 5 }), meta('k3', { kind: 'certificate' })]),
    client(null, [], { clientId: 'c-b', objectId: 'o-other', displayName: b.name }),
  ], side([a, b], [cred(a, 'k1', { state: 'removed' }), cred(a, 'k1'), cred(a, 'k2'), cred(a, 'k3')]), NOW);
  assert.deepEqual(f.credentialsAdded, []);
  assert.deepEqual(f.credentialsLingering, []);
  assert.deepEqual(f.credentialsChanged.map((x) => x.meta.keyId), ['k2', 'k3']);
  assert.deepEqual(f.orphans, []);
  assert.deepEqual(f.orphansAdoptable, []);
});

test('orphans: ours (adoptable once), twins, resource apps, foreign, deleted', () => {
  const linked = app({ registration: null, clientId: null });
  const registered = app();
  const lost = newId('app', OLD);
  const f = compare([
    client(null, [], { objectId: 'o1', clientId: 'c1', uniqueName: `gh-${linked.id}` }),
    client(null, [], { objectId: 'o2', clientId: 'c2', uniqueName: `gh-${lost}` }),
    client(null, [], { objectId: 'o3', clientId: 'c3', uniqueName: `GH-${lost}` }),
    client(null, [], { objectId: 'o4', clientId: 'c4', uniqueName: `gh-${registered.id}-2` }),
    client(registered, []),
    client(null, [], { objectId: 'o-res', clientId: 'c-res', uniqueName: 'gh-res-env_0000000000aaaaaaaaaaaaaaaa' }),
    client(null, [], { objectId: 'o5', clientId: 'c5', uniqueName: 'gh-res-env_0000000000aaaaaaaaaaaaaaab' }),
    client(null, [], { objectId: 'o6', clientId: 'c6', uniqueName: `gh-${lost}`, deletedAt: OLD }),
    client(null, [], { objectId: 'o7', clientId: 'c7', uniqueName: `gh-${registered.id}` }),
  ], side([linked, registered], []), NOW);
  assert.deepEqual(f.orphansAdoptable.map((o) => [o.appId, o.target?.id ?? null]), [[linked.id, linked.id], [lost, null]]);
  assert.deepEqual(f.orphans.map((o) => o.client.registration.objectId), ['o3', 'o4', 'o5', 'o7']);
});

test('appIdFromUniqueName accepts only gh-{app id}', () => {
  const id = newId('app');
  assert.equal(appIdFromUniqueName(`gh-${id}`), id);
  for (const bad of [null, id, `gh-${id}x`, `gh-res-${id}`, `gh-${newId('environment')}`, 'gh-app_../../x']) assert.equal(appIdFromUniqueName(bad), null);
});
