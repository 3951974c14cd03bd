import type { PolicyConfig } from '../../core/domain.ts';
import type { PolicyFactory } from '../pipeline/policy.ts';
import { clientIdPolicy } from './client-id/factory.ts';
import { rateLimitPolicy } from './rate-limit/factory.ts';
import { ipFilterPolicy } from './ip-filter/policy.ts';

/** The policies every gateway knows. Others (e.g. `oauth-token`) are added here or via `startGateway({ policyFactories })`. */
export const builtInPolicyFactories: readonly PolicyFactory[] = Object.freeze([clientIdPolicy, rateLimitPolicy, ipFilterPolicy]);

/** Merges extra factories over the built-ins (an extra factory with the same type replaces the built-in). */
export function policyRegistry(extra: readonly PolicyFactory[] = []): PolicyFactory[] {
  const byType = new Map<string, PolicyFactory>();
  for (const f of [...builtInPolicyFactories, ...extra]) byType.set(f.type, f);
  return [...byType.values()];
}

export interface PolicyConfigProblem {
  /** Index in the policies list. */
  index: number;
  /** Dotted path inside that policy's config, '' for the policy itself. */
  path: string;
  message: string;
}

/**
 * Validates an API's policy list the way the gateway will compile it, so the management API can reject a bad
 * config with a 400 instead of the gateway answering 503 later. Returns the normalised (defaulted) policies.
 */
export function validatePolicies(
  policies: readonly PolicyConfig[], factories: readonly PolicyFactory[] = builtInPolicyFactories,
): { ok: true; policies: PolicyConfig[] } | { ok: false; problems: PolicyConfigProblem[] } {
  const byType = new Map(factories.map((f) => [f.type, f]));
  const problems: PolicyConfigProblem[] = [];
  const normalised: PolicyConfig[] = [];
  policies.forEach((policy, index) => {
    const factory = byType.get(policy.type);
    if (!factory) {
      problems.push({ index, path: '', message: `unknown policy type "${policy.type}" (known: ${[...byType.keys()].join(', ')})` });
      return;
    }
    const parsed = factory.schema.safeParse(policy.config ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ index, path: issue.path.join('.'), message: issue.message });
      return;
    }
    normalised.push({ type: policy.type, config: parsed.data as Record<string, unknown> });
  });
  return problems.length ? { ok: false, problems } : { ok: true, policies: normalised };
}
