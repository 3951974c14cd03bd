import { z } from 'zod';
import { basePathFormatProblem, upstreamUrlProblem } from '../../control/paths.ts';
import { policySchema } from '../../control/policy-schemas.ts';
import { fieldErrors } from '../../control/field-errors.ts';

/**
 * The `gatehouse apply` document (docs/apply.md): `apiVersion: gatehouse/v1` and one list per kind, every item keyed
 * by name, never by id (ids differ per installation). The field rules mirror the management API's request schemas,
 * so a file that passes here fails on the server only for reasons that depend on server state. Objects are strict:
 * an unknown field is an error at its own path, as in the API.
 */

const NAME_PATTERN = /^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$/;
const name = z.string().min(1).max(100).regex(NAME_PATTERN, 'must not contain control characters or start or end with whitespace');
const description = z.string().max(2000).regex(/^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/, 'must not contain control characters');
const version = z.string().min(1).max(50).regex(/^[A-Za-z0-9._-]+$/, 'use only A-Z a-z 0-9 . _ -');
const days = z.number().int().min(1).max(730);

const checked = (problem: (value: string) => string | null, max: number) =>
  z.string().max(max).superRefine((value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  });

const environment = z.strictObject({
  name,
  description: description.optional(),
  settings: z
    .strictObject({
      credentialLifetimeDays: days.optional(),
      alertThresholdsDays: z.array(days).max(10).optional(),
      autoRotateDaysBeforeExpiry: days.nullable().optional(),
    })
    .optional(),
  defaultProvider: name.nullable().optional(),
  providers: z.array(name).max(20).optional(),
});

/** Configs of the policy types this build knows are checked here; other types are left to the server. */
const policy = z
  .strictObject({ type: z.string().min(1).max(64), config: z.record(z.string(), z.unknown()).optional() })
  .superRefine((value, ctx) => {
    const result = policySchema(value.type)?.safeParse(value.config ?? {});
    if (!result || result.success) return;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: ['config', ...issue.path] } as never);
  });

const api = z.strictObject({
  name,
  environment: name,
  version,
  basePath: checked(basePathFormatProblem, 512),
  upstreamUrl: checked(upstreamUrlProblem, 2000),
  provider: name.nullable().optional(),
  policies: z.array(policy).max(20).optional(),
});

/** An API is named by environment + name, and by version too when the name alone is ambiguous. */
const apiRef = { environment: name, api: name, apiVersion: version.optional() };

const limit = z.strictObject({
  requests: z.number().int().min(1).max(1_000_000_000),
  windowSeconds: z.number().int().min(1).max(31 * 86_400),
});

const tier = z.strictObject({ name, ...apiRef, limit, approval: z.enum(['auto', 'manual']).optional() });

const app = z.strictObject({
  name,
  environment: name,
  description: description.optional(),
  ownerContacts: z.array(z.email().max(320)).max(20).optional(),
  provider: name.optional(),
  ownerSubject: z.string().min(1).max(200).optional(),
});

const contract = z.strictObject({ ...apiRef, app: name, tier: name, state: z.literal('approved').optional() });

export const applyDocument = z.strictObject({
  apiVersion: z.literal('gatehouse/v1', { error: 'must be "gatehouse/v1"' }),
  environments: z.array(environment).default([]),
  apis: z.array(api).default([]),
  tiers: z.array(tier).default([]),
  apps: z.array(app).default([]),
  contracts: z.array(contract).default([]),
});

export type ApplyDocument = z.infer<typeof applyDocument>;
export type EnvironmentSpec = ApplyDocument['environments'][number];
export type ApiSpec = ApplyDocument['apis'][number];
export type TierSpec = ApplyDocument['tiers'][number];
export type AppSpec = ApplyDocument['apps'][number];
export type ContractSpec = ApplyDocument['contracts'][number];

export interface Problem {
  path: string;
  message: string;
}

/** Schema problems, then the same item declared twice (a plan could not say which one wins). */
export function validateDocument(value: unknown): { document: ApplyDocument; problems: [] } | { document: null; problems: Problem[] } {
  const result = applyDocument.safeParse(value);
  if (!result.success) {
    // zod says "expected string, received undefined" for a missing field; people call that "required".
    const problems = fieldErrors(result.error.issues).map((p) => (/received undefined$/.test(p.message) ? { ...p, message: 'required' } : p));
    return { document: null, problems };
  }
  const problems = duplicates(result.data);
  return problems.length ? { document: null, problems } : { document: result.data, problems: [] };
}

function duplicates(doc: ApplyDocument): Problem[] {
  const problems: Problem[] = [];
  const check = <T>(list: T[], kind: string, key: (item: T) => unknown[], label: (item: T) => string) => {
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      const k = JSON.stringify(key(item));
      const first = seen.get(k);
      if (first === undefined) seen.set(k, i);
      else problems.push({ path: `${kind}.${i}`, message: `${label(item)} is already declared at ${kind}.${first}` });
    });
  };
  check(doc.environments, 'environments', (e) => [e.name], (e) => `environment ${e.name}`);
  check(doc.apis, 'apis', (a) => [a.environment, a.name, a.version], (a) => `API ${a.name} ${a.version} in ${a.environment}`);
  check(doc.tiers, 'tiers', (t) => [t.environment, t.api, t.apiVersion, t.name], (t) => `tier ${t.name} of API ${t.api} in ${t.environment}`);
  check(doc.apps, 'apps', (a) => [a.environment, a.name], (a) => `app ${a.name} in ${a.environment}`);
  check(doc.contracts, 'contracts', (c) => [c.environment, c.app, c.api, c.apiVersion], (c) => `contract of app ${c.app} for API ${c.api} in ${c.environment}`);
  return problems;
}
