import { z } from 'zod';
import type { PolicyConfig } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { fieldErrors } from './field-errors.ts';

/**
 * Config schemas of the policy types an API may list, keyed by type. The control plane validates an API's
 * policy chain against this registry when the API is written; the gateway owns the runtime handlers.
 * New policy types ('oauth-token', 'ip-filter', …) add themselves with `registerPolicySchema`.
 * Schemas are strict: an unknown config key is an error, not silently ignored.
 */
const registry = new Map<string, z.ZodType>();

export function registerPolicySchema(type: string, schema: z.ZodType): void {
  if (!/^[a-z][a-z0-9-]*$/.test(type)) throw new Error(`policy type "${type}" must be lower-case kebab-case`);
  registry.set(type, schema);
}

export function policySchema(type: string): z.ZodType | undefined {
  return registry.get(type);
}

export function knownPolicyTypes(): string[] {
  return [...registry.keys()].sort();
}

/** `client-id`: the caller presents the app's client id and secret (Basic auth, or client_id/client_secret headers). */
export const clientIdPolicySchema = z
  .object({ credentialsFrom: z.enum(['basic', 'headers', 'either']).optional() })
  .strict();

/** `rate-limit`: an extra per-API limit, on top of the contract's tier limit. */
export const rateLimitPolicySchema = z
  .object({
    requests: z.number().int().min(1).max(1_000_000_000),
    windowSeconds: z.number().int().min(1).max(31 * 86_400),
  })
  .strict();

registerPolicySchema('client-id', clientIdPolicySchema);
registerPolicySchema('rate-limit', rateLimitPolicySchema);

/** The chain a new API gets when none is given: client id + secret enforcement. */
export const DEFAULT_POLICIES: readonly PolicyConfig[] = [{ type: 'client-id', config: {} }];

/**
 * Checks every policy of a chain; all problems are reported at once, with paths like `policies.1.config.requests`.
 * Returns the chain as given (configs are stored as written, so declarative `apply` sees no spurious diff).
 */
/** A policy as written by a caller: `config` may be left out (= {}). */
export interface PolicyInput {
  type: string;
  config?: Record<string, unknown>;
}

export function validatePolicies(policies: readonly PolicyInput[], field = 'policies'): PolicyConfig[] {
  const errors: { path: string; message: string }[] = [];
  policies.forEach((policy, i) => {
    const schema = registry.get(policy.type);
    if (!schema) {
      errors.push({ path: `${field}.${i}.type`, message: `unknown policy type "${policy.type}" (known: ${knownPolicyTypes().join(', ')})` });
      return;
    }
    const result = schema.safeParse(policy.config ?? {});
    if (!result.success) {
      errors.push(...fieldErrors(result.error.issues, [field, i, 'config']));
    }
  });
  if (errors.length > 0) {
    throw new GatehouseError('VALIDATION_FAILED', `Invalid policy chain: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
  }
  return policies.map((p) => ({ type: p.type, config: { ...(p.config ?? {}) } }));
}
