import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from './load.ts';
import { ProblemsError } from './problems.ts';

/** File → document: YAML or JSON, strict fields, every problem reported at its path, nothing half-read. */
function problemsOf(text: string): string[] {
  try {
    parseDocument(text, 'g.yaml');
  } catch (error) {
    assert.ok(error instanceof ProblemsError, String(error));
    assert.equal(error.exitCode, 2);
    assert.equal(error.code, 'USAGE');
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected problems');
}

const api = 'name: orders\n    environment: staging\n    version: v1\n    basePath: /orders\n    upstreamUrl: http://up.test';

describe('apply document', () => {
  test('a minimal file has empty lists; JSON is accepted as well as YAML', () => {
    assert.deepEqual(parseDocument('apiVersion: gatehouse/v1\n', 'g.yaml'), { apiVersion: 'gatehouse/v1', environments: [], apis: [], tiers: [], apps: [], contracts: [] });
    const doc = parseDocument(JSON.stringify({ apiVersion: 'gatehouse/v1', environments: [{ name: 'staging', settings: { credentialLifetimeDays: 30 } }] }), 'g.json');
    assert.equal(doc.environments[0]!.settings!.credentialLifetimeDays, 30);
  });

  test('a date-like or yes/no scalar stays what JSON would make of it (core schema)', () => {
    const doc = parseDocument('apiVersion: gatehouse/v1\nenvironments:\n  - name: staging\n    description: 2026-01-01\napps:\n  - name: yes\n    environment: staging\n', 'g.yaml');
    assert.equal(doc.environments[0]!.description, '2026-01-01');
    assert.equal(doc.apps[0]!.name, 'yes');
  });

  test('unknown fields are refused at their own path, like the API does', () => {
    assert.deepEqual(problemsOf(`apiVersion: gatehouse/v1\napis:\n  - ${api}\n    basePth: /x\n`), ['apis.0.basePth: unknown field']);
    assert.deepEqual(problemsOf('apiVersion: gatehouse/v1\nkind: Config\n'), ['kind: unknown field']);
  });

  test('every problem of the file at once, with paths into the YAML', () => {
    const problems = problemsOf([
      'apiVersion: gatehouse/v2',
      'apis:',
      '  - name: orders',
      '    environment: staging',
      '    version: "v 1"',
      '    basePath: orders/',
      '    upstreamUrl: ftp://up.test',
      '    policies:',
      '      - type: rate-limit',
      '        config: { requests: 0, windowSeconds: 60 }',
      'tiers:',
      '  - { name: gold, environment: staging, api: orders, limit: { requests: "10", windowSeconds: 60 } }',
      'apps:',
      '  - { name: shop, environment: staging, ownerContacts: [not-an-email] }',
    ].join('\n'));
    const paths = problems.map((p) => p.split(': ')[0]);
    assert.deepEqual(paths.sort(), [
      'apiVersion', 'apis.0.basePath', 'apis.0.policies.0.config.requests', 'apis.0.upstreamUrl', 'apis.0.version', 'apps.0.ownerContacts.0', 'tiers.0.limit.requests',
    ]);
    assert.ok(problems.includes('apiVersion: must be "gatehouse/v1"'), problems.join('\n'));
    assert.match(problems.find((p) => p.startsWith('apis.0.upstreamUrl'))!, /http or https/);
  });

  test('policy types this build does not know are left for the server to judge', () => {
    const doc = parseDocument(`apiVersion: gatehouse/v1\napis:\n  - ${api}\n    policies: [{ type: future-policy, config: { x: 1 } }]\n`, 'g.yaml');
    assert.deepEqual(doc.apis[0]!.policies, [{ type: 'future-policy', config: { x: 1 } }]);
  });

  test('the same item twice is refused, pointing at both', () => {
    assert.deepEqual(problemsOf('apiVersion: gatehouse/v1\nenvironments:\n  - name: a\n  - name: b\n  - name: a\n'), ['environments.2: environment a is already declared at environments.0']);
  });

  test('YAML errors name the line; duplicate keys, empty files and non-mappings are refused', () => {
    assert.match(problemsOf('apiVersion: gatehouse/v1\nenvironments: [\n')[0]!, /^line \d+, column \d+: /);
    assert.match(problemsOf('apiVersion: gatehouse/v1\napiVersion: gatehouse/v1\n')[0]!, /^line 2, column 1: duplicated mapping key/);
    assert.deepEqual(problemsOf(''), [': the file is empty']);
    assert.match(problemsOf('- a\n- b\n')[0]!, /must be a mapping/);
  });
});
