import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startEntraEmulator } from '../index.ts';
import { graphClient, privateDataDir, tokenFor } from './helpers.ts';

describe('persistDirectory', () => {
  test('tenants, admin credentials, apps, secrets and the licence survive a restart', async () => {
    const dir = await privateDataDir();
    try {
      const first = await startEntraEmulator({ dataDir: dir, persistDirectory: true, tenants: ['0f0e0d0c-0b0a-4909-8807-060504030201'] });
      assert.equal(first.tenantId, '0f0e0d0c-0b0a-4909-8807-060504030201');
      const g = graphClient(first, await tokenFor(first, first.admin.clientId, first.admin.clientSecret));
      const app = (await g('POST', '/v1.0/applications', { displayName: 'kept', uniqueName: 'kept-1' })).body;
      const secret = (await g('POST', `/v1.0/applications/${app.id}/addPassword`, {})).body.secretText;
      await g('POST', '/v1.0/servicePrincipals', { appId: app.appId });
      first.control.setLicence('free');
      await first.close();
      assert.equal(statSync(join(dir, 'directory.json')).mode & 0o777, 0o600);

      const second = await startEntraEmulator({ dataDir: dir, persistDirectory: true });
      try {
        assert.equal(second.tenantId, first.tenantId);
        assert.equal(second.admin.clientId, first.admin.clientId);
        assert.equal(second.admin.clientSecret, first.admin.clientSecret);
        const g2 = graphClient(second, await tokenFor(second, second.admin.clientId, second.admin.clientSecret));
        assert.equal((await g2('GET', "/v1.0/applications(uniqueName='kept-1')")).body.id, app.id);
        await tokenFor(second, app.appId, secret);
        const upsert = await g2('PATCH', "/v1.0/applications(uniqueName='kept-1')", { displayName: 'kept v2' }, { prefer: 'create-if-missing' });
        assert.equal(upsert.status, 204, 'ownership survived too');
        assert.deepEqual(second.control.licences(), [{ tenantId: first.tenantId, licence: 'free' }], 'and the licence');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
