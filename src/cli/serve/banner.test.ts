import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBanner } from './banner.ts';

const base = { apiUrl: 'http://127.0.0.1:8080', gatewayUrl: 'http://127.0.0.1:8000', store: 'sqlite (./data/gatehouse.db)', bootstrapToken: 'gh_abc' };

test('banner without sandbox: how to configure a provider by hand', () => {
  const text = startBanner(base);
  assert.match(text, /gatehouse provider create local --kind local/);
  assert.match(text, /gatehouse token create ci/);
  assert.match(text, /web console +http:\/\/127\.0\.0\.1:8080\//);
  assert.doesNotMatch(text, /emulator/);
});

test('banner with sandbox: emulator URL, CA file, audience, and the way to a real tenant', () => {
  const text = startBanner({
    ...base,
    sandbox: {
      emulatorUrl: 'https://127.0.0.1:9443', caCertPath: '/data/emulator/ca.pem', tenantId: 't-1', providerId: 'prv_1', environmentId: 'env_1',
      resourceApp: { clientId: 'res-1', identifierUri: 'api://res-1' },
    },
  });
  assert.match(text, /gatehouse demo/);
  assert.match(text, /emulator +https:\/\/127\.0\.0\.1:9443 +\(tenant t-1\)/);
  assert.match(text, /emulator CA +\/data\/emulator\/ca\.pem/);
  assert.match(text, /scope api:\/\/res-1\/\.default/);
  assert.match(text, /gatehouse provider create contoso --kind entra --tenant-id <tenant GUID> --client-id <platform app id> --client-secret-env ENTRA_SECRET/);
  assert.match(text, /gatehouse env update env_1 --default-provider <new provider id>/);
  assert.match(text, /--no-sandbox \/ GATEHOUSE_SANDBOX=0/);
  assert.match(text, /Next steps:[\s\S]*gatehouse token create/, 'the same landmarks as without the sandbox');
  assert.doesNotMatch(text, /provider create local/);
});
