import { test } from 'node:test';
import assert from 'node:assert/strict';
import { providerCredentialAction } from './provider-credential-advice.ts';

test('a provider credential alert says how to roll it, and for a secret what ownership it needs', () => {
  const cert = providerCredentialAction({ id: 'prv_1', name: 'corp' }, 'certificate');
  assert.equal(cert.cli, 'gatehouse provider rotate-credential corp');
  assert.equal(cert.api, 'POST /v1/providers/prv_1/rotate-credential');
  assert.match(cert.text, /proof of possession/);
  assert.doesNotMatch(cert.text, /owners/);
  const secret = providerCredentialAction({ id: 'prv_1', name: null }, 'secret');
  assert.equal(secret.cli, 'gatehouse provider rotate-credential prv_1');
  assert.match(secret.text, /POST \/applications\/\{id\}\/owners\/\$ref/);
  assert.match(secret.text, /gatehouse provider update prv_1/);
});
