import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { PUBLIC, ROLE_TABLE } from './test-role-table.ts';
import { createFixture, type Fixture } from './test-fixture.ts';

/**
 * /v1/openapi.json: served without a token, OpenAPI 3.1, every route documented with its parameters, every $ref
 * resolvable, every schema a valid JSON Schema 2020-12 (the 3.1 dialect), and request bodies as strict as the
 * server (additionalProperties: false).
 */
describe('OpenAPI document', () => {
  let f: Fixture;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: any;
  before(async () => {
    f = await createFixture();
    const reply = await f.call(null, 'GET', '/v1/openapi.json');
    assert.equal(reply.status, 200, reply.text);
    doc = reply.json;
  });
  after(() => f.close());

  test('is OpenAPI 3.1 with info and a bearer security scheme', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { ...doc.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer' });
  });

  test('lists every route, with responses, path parameters and security', () => {
    for (const [method, path, allowed] of [...ROLE_TABLE, ['GET', '/healthz', PUBLIC], ['GET', '/readyz', PUBLIC]] as [string, string, unknown][]) {
      const op = doc.paths[path]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${path} is missing`);
      assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} has no responses`);
      for (const r of Object.values(op.responses) as { description?: string }[]) assert.equal(typeof r.description, 'string');
      const declared = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name).sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(declared, inPath, `${method} ${path} path parameters`);
      if (path.startsWith('/v1/')) assert.deepEqual(op.security, allowed === PUBLIC ? [] : [{ bearerAuth: [] }], `${method} ${path} security`);
    }
  });

  test('every $ref resolves', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) if (k === '$ref' && typeof v === 'string') refs.push(v); else walk(v);
      }
    };
    walk(doc);
    assert.ok(refs.length > 10);
    for (const ref of refs) {
      assert.match(ref, /^#\//);
      const target = ref.slice(2).split('/').reduce((n: Record<string, unknown> | undefined, key) => n?.[key] as Record<string, unknown> | undefined, doc);
      assert.ok(target, `dangling ${ref}`);
    }
  });

  test('every component schema compiles as JSON Schema 2020-12, and request schemas reject unknown fields', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'doc', components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) {
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`);
      assert.ok(validate, `schema ${name} does not compile`);
    }
    const check = (name: string, value: unknown) => ajv.getSchema(`doc#/components/schemas/${name}`)!(value);
    assert.equal(check('EnvironmentCreate', { name: 'x' }), true);
    assert.equal(check('EnvironmentCreate', { name: 'x', extra: 1 }), false);
    assert.equal(check('TierCreate', { name: 'x', limit: { requests: 1, windowSeconds: 1, burst: 1 } }), false);
    for (const name of ['EnvironmentCreate', 'EnvironmentPatch', 'ProviderCreate', 'ApiCreate', 'ApiPatch', 'TierCreate', 'AppCreate', 'AppPatch', 'ContractCreate', 'CredentialCreate', 'CredentialRotate', 'TokenCreate']) {
      assert.equal(doc.components.schemas[name].additionalProperties, false, `${name} must be strict`);
    }
  });

  test('documents problem responses as application/problem+json', () => {
    const op = doc.paths['/v1/apps/{id}'].get;
    assert.ok(op.responses['404'].content['application/problem+json']);
    assert.ok(doc.components.schemas.Problem);
  });
});
