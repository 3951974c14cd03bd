import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { builtInPolicyFactories, policyRegistry, validatePolicies } from './registry.ts';
import type { PolicyFactory } from '../pipeline/policy.ts';

test('validatePolicies defaults configs and reports every problem with its position', () => {
  const ok = validatePolicies([{ type: 'client-id', config: {} }, { type: 'rate-limit', config: { requests: 5, windowSeconds: 1 } }]);
  assert.deepEqual(ok, { ok: true, policies: [{ type: 'client-id', config: { credentialsFrom: 'either' } }, { type: 'rate-limit', config: { requests: 5, windowSeconds: 1, whenStoreUnavailable: 'deny' } }] });
  const bad = validatePolicies([
    { type: 'client-id', config: { credentialsFrom: 'cookie' } },
    { type: 'rate-limit', config: { requests: 0, windowSeconds: 1, burst: 3 } },
    { type: 'nope', config: {} },
  ]);
  assert.equal(bad.ok, false);
  if (bad.ok) return;
  assert.deepEqual(bad.problems.map((p) => [p.index, p.path]), [[0, 'credentialsFrom'], [1, 'requests'], [1, ''], [2, '']]);
  assert.match(bad.problems.at(-1)!.message, /unknown policy type "nope" \(known: client-id, rate-limit, ip-filter\)/);
});

test('policyRegistry adds extra factories and lets one replace a built-in of the same type', () => {
  const token: PolicyFactory = { type: 'oauth-token', phase: 'authenticate', schema: z.object({}), create: () => () => undefined };
  const myClientId: PolicyFactory = { ...token, type: 'client-id' };
  const registry = policyRegistry([token, myClientId]);
  assert.deepEqual(registry.map((f) => f.type), ['client-id', 'rate-limit', 'ip-filter', 'oauth-token']);
  assert.equal(registry[0], myClientId);
  assert.equal(builtInPolicyFactories.length, 3);
});
