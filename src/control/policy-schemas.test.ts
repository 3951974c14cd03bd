import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { GatehouseError } from '../core/errors.ts';
import { knownPolicyTypes, registerPolicySchema, validatePolicies } from './policy-schemas.ts';

const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GatehouseError);
    assert.equal(e.code, 'VALIDATION_FAILED');
    return (e.extras.errors as { path: string }[]).map((x) => x.path);
  }
  assert.fail('expected a validation failure');
};

test('client-id and rate-limit configs are checked strictly', () => {
  assert.deepEqual(validatePolicies([{ type: 'client-id' }, { type: 'rate-limit', config: { requests: 5, windowSeconds: 1 } }]), [
    { type: 'client-id', config: {} },
    { type: 'rate-limit', config: { requests: 5, windowSeconds: 1 } },
  ]);
  assert.deepEqual(errorsOf(() => validatePolicies([{ type: 'client-id', config: { credentialsFrom: 'query' } }])), ['policies.0.config.credentialsFrom']);
  assert.deepEqual(errorsOf(() => validatePolicies([{ type: 'rate-limit', config: { requests: 5 } }])), ['policies.0.config.windowSeconds']);
  assert.deepEqual(errorsOf(() => validatePolicies([{ type: 'rate-limit', config: { requests: 5, windowSeconds: 1, burst: 2 } }])), ['policies.0.config.burst']);
  assert.deepEqual(errorsOf(() => validatePolicies([{ type: 'nope', config: {} }, { type: 'client-id', config: { x: 1 } }])), ['policies.0.type', 'policies.1.config.x']);
});

test('new policy types register themselves', () => {
  assert.ok(!knownPolicyTypes().includes('ip-filter-test'));
  registerPolicySchema('ip-filter-test', z.object({ allow: z.array(z.string()).min(1) }).strict());
  assert.deepEqual(validatePolicies([{ type: 'ip-filter-test', config: { allow: ['10.0.0.0/8'] } }]), [{ type: 'ip-filter-test', config: { allow: ['10.0.0.0/8'] } }]);
  assert.deepEqual(errorsOf(() => validatePolicies([{ type: 'ip-filter-test', config: { allow: [] } }])), ['policies.0.config.allow']);
  assert.throws(() => registerPolicySchema('Bad Type', z.object({})));
});
