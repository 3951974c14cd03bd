import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { deriveEntraEndpoints, parseEntraConfig } from './config.ts';
import { GatehouseError } from '../../core/errors.ts';

const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const base = { tenantId: TID, clientId: CLIENT };

const fieldError = (field: string, pattern: RegExp) => (e: unknown) =>
  e instanceof GatehouseError && e.code === 'VALIDATION_FAILED' && e.extras.field === field && pattern.test(e.message);

describe('entra config', () => {
  test('derives both issuers, discovery and JWKS from the tenant id (global cloud by default)', () => {
    const c = parseEntraConfig(base);
    assert.equal(c.cloud, 'global');
    const e = deriveEntraEndpoints(c);
    assert.equal(e.issuerV1, `https://sts.windows.net/${TID}/`);
    assert.equal(e.issuerV2, `https://login.microsoftonline.com/${TID}/v2.0`);
    assert.equal(e.jwksV2, `https://login.microsoftonline.com/${TID}/discovery/v2.0/keys`);
    assert.equal(e.jwksV1, `https://login.microsoftonline.com/${TID}/discovery/keys`);
    assert.equal(e.discoveryV2, `https://login.microsoftonline.com/${TID}/v2.0/.well-known/openid-configuration`);
    assert.equal(e.tokenEndpoint, `https://login.microsoftonline.com/${TID}/oauth2/v2.0/token`);
    assert.equal(e.graphBaseUrl, 'https://graph.microsoft.com/v1.0');
    assert.equal(e.graphScope, 'https://graph.microsoft.com/.default');
  });

  test('sovereign cloud and emulator host overrides; graph scope stays the cloud resource', () => {
    const us = deriveEntraEndpoints(parseEntraConfig({ ...base, cloud: 'usgov' }));
    assert.equal(us.authority, `https://login.microsoftonline.us/${TID}`);
    assert.equal(us.graphBaseUrl, 'https://graph.microsoft.us/v1.0');
    const emu = deriveEntraEndpoints(parseEntraConfig({ ...base, authorityHost: 'localhost:8443', graphHost: 'LOCALHOST:8443' }));
    assert.equal(emu.authority, `https://localhost:8443/${TID}`);
    assert.equal(emu.authorityHost, 'localhost:8443');
    assert.equal(emu.graphBaseUrl, 'https://localhost:8443/v1.0');
    assert.equal(emu.graphScope, 'https://graph.microsoft.com/.default');
    assert.equal(emu.issuerV2, `https://login.microsoftonline.com/${TID}/v2.0`);
    assert.throws(() => parseEntraConfig({ ...base, graphHost: 'https://graph.microsoft.us/v1.0' }), fieldError('graphHost', /not a URL/));
    assert.throws(() => parseEntraConfig({ ...base, cloud: 'mars' }), fieldError('cloud', /global/));
  });

  test('the WS-Federation address is refused with an explanation and the tenant id to use', () => {
    for (const url of [
      `https://login.microsoftonline.com/${TID}/wsfed`,
      `https://login.microsoftonline.com/${TID}/federationmetadata/2007-06/federationmetadata.xml`,
    ]) {
      assert.throws(() => parseEntraConfig({ ...base, tenantId: url }),
        fieldError('tenantId', new RegExp(`WS-Federation.*not a token issuer.*tenantId "${TID}"`)));
      assert.throws(() => parseEntraConfig({ ...base, issuer: url }), fieldError('issuer', /WS-Federation/));
    }
  });

  test('nobody types an issuer, even a correct one', () => {
    assert.throws(() => parseEntraConfig({ ...base, issuer: `https://sts.windows.net/${TID}/` }),
      fieldError('issuer', /derives both token issuers/));
  });

  test('tenant as a login URL or a domain; junk and multi-tenant aliases refused', () => {
    assert.equal(parseEntraConfig({ ...base, tenantId: `https://login.microsoftonline.com/${TID.toUpperCase()}/v2.0` }).tenantId, TID);
    const d = parseEntraConfig({ ...base, tenantId: 'Contoso.onmicrosoft.com' });
    assert.equal(d.tenantId, 'contoso.onmicrosoft.com');
    assert.equal(deriveEntraEndpoints(d).issuerV2, null);
    assert.throws(() => parseEntraConfig({ ...base, tenantId: 'common' }), fieldError('tenantId', /not a tenant/));
    assert.throws(() => parseEntraConfig({ ...base, tenantId: 'not a tenant!' }), fieldError('tenantId', /GUID/));
    assert.throws(() => parseEntraConfig({ ...base, tenantId: '' }), fieldError('tenantId', /required/));
    assert.throws(() => parseEntraConfig({ ...base, clientId: 'abc' }), fieldError('clientId', /GUID/));
    assert.throws(() => parseEntraConfig({ ...base, credentialType: 'password' }), fieldError('credentialType', /secret/));
    assert.throws(() => parseEntraConfig({ ...base, caCertPem: 'nope' }), fieldError('caCertPem', /PEM/));
  });
});

describe('entra config schema (provider-kind registry)', async () => {
  const { entraConfigSchema } = await import('./config-schema.ts');
  test('normalises valid input and reports refusals on the offending field', () => {
    const ok = entraConfigSchema.safeParse({ tenantId: TID.toUpperCase(), clientId: CLIENT });
    assert.equal(ok.success, true);
    assert.equal(ok.success && ok.data.tenantId, TID);
    const wsfed = entraConfigSchema.safeParse({ tenantId: `https://login.microsoftonline.com/${TID}/wsfed`, clientId: CLIENT });
    assert.equal(wsfed.success, false);
    assert.deepEqual(!wsfed.success && wsfed.error.issues[0]!.path, ['tenantId']);
    assert.match(!wsfed.success ? wsfed.error.issues[0]!.message : '', /WS-Federation/);
    const managed = entraConfigSchema.safeParse({ tenantId: TID, clientId: CLIENT, resourceApps: {} });
    assert.equal(managed.success, false);
  });
});
