import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Credential } from '../../core/domain.ts';
import { matchActivity } from './credential-activity.ts';

/** The matching rule of the credential activity phase (the phase itself: test/e2e/credential-activity.test.ts). */
const row = (id: string, keyId: string, lastUsedAt: number | null = null): Credential => ({
  id, ownerType: 'app', ownerId: 'app_1', kind: 'secret', keyId, hint: 'abc', secretHash: null, origin: 'gatehouse', state: 'active',
  createdAt: 0, expiresAt: null, retireAt: null, removedAt: null, lastUsedAt,
});
const CLIENT = '11111111-2222-3333-4444-555555555555';
const activity = (keyId: string, lastSignInAt: number | null, clientId = CLIENT) => ({ keyId, clientId, kind: 'secret' as const, lastSignInAt });

test('matches key id and client id (case-insensitive), keeps the newest sign-in, writes only forward', () => {
  const { matched, rows } = matchActivity(
    [
      activity('AAAA0000-0000-0000-0000-000000000001', 100), activity('aaaa0000-0000-0000-0000-000000000001', 300),
      activity('aaaa0000-0000-0000-0000-000000000002', 50),
      activity('aaaa0000-0000-0000-0000-000000000003', null),
      activity('aaaa0000-0000-0000-0000-000000000004', 999, '99999999-2222-3333-4444-555555555555'),
    ],
    [
      { credential: row('crd_1', 'aaaa0000-0000-0000-0000-000000000001'), clientId: CLIENT.toUpperCase() },
      { credential: row('crd_2', 'aaaa0000-0000-0000-0000-000000000002', 80), clientId: CLIENT },
      { credential: row('crd_3', 'aaaa0000-0000-0000-0000-000000000003'), clientId: CLIENT },
      { credential: row('crd_4', 'aaaa0000-0000-0000-0000-000000000004'), clientId: CLIENT },
      { credential: row('crd_5', 'aaaa0000-0000-0000-0000-000000000005'), clientId: CLIENT },
    ],
  );
  assert.equal(matched, 3, 'crd_4 signs in as another client id; crd_5 is not in the report');
  assert.deepEqual(rows, [{ credentialId: 'crd_1', lastUsedAt: 300, source: 'idp' }], 'crd_2 was used later already; crd_3 has no time');
});
