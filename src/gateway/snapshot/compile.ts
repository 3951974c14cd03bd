import type { Api, ClientApp, Credential, Environment, Tier } from '../../core/domain.ts';
import type { Clock } from '../../core/clock.ts';
import { silentLogger, type Logger } from '../../platform/logger.ts';
import type { Directory, PolicyFactory, PolicyHandler, SecretVerifier } from '../pipeline/policy.ts';
import { deny } from '../pipeline/denial.ts';
import { requireIdentity } from '../pipeline/require-identity.ts';
import { contractCheck } from '../pipeline/contract-check.ts';
import { tierLimit } from '../pipeline/tier-limit.ts';
import { policyItem } from '../rate-limit/headers.ts';
import type { RateLimitStore } from '../rate-limit/store.ts';
import { MemoryRateLimitStore } from '../rate-limit/memory-store.ts';
import { contractKey, type ApiBuildError, type CompiledApi, type ContractGrant, type Snapshot, type SnapshotData } from './snapshot.ts';

export interface CompileOptions {
  clock?: Clock;
  rateLimitStore?: RateLimitStore;
  logger?: Logger;
}

/**
 * Builds an immutable Snapshot from plain data. Pure apart from what policy factories do in `create`.
 * A broken API (bad upstream URL, unknown policy, invalid policy config) does not fail the build: that API is
 * compiled as blocked with 503 API_MISCONFIGURED and the problem is listed in `errors`.
 */
export function compileSnapshot(data: SnapshotData, factories: readonly PolicyFactory[], options: CompileOptions = {}): Snapshot {
  const clock = options.clock ?? { now: () => Date.now() };
  const rateLimitStore = options.rateLimitStore ?? new MemoryRateLimitStore();
  const logger = options.logger ?? silentLogger;
  const registry = new Map(factories.map((f) => [f.type, f]));

  const environments = new Map<string, Environment>(data.environments.map((e) => [e.id, e]));
  const appsByClientId = new Map<string, ClientApp>();
  for (const app of data.apps) if (app.clientId) appsByClientId.set(app.clientId, app);
  const secretsByApp = indexSecrets(data.credentials);
  const tiers = new Map<string, Tier>(data.tiers.map((t) => [t.id, t]));
  const contracts = new Map<string, ContractGrant>();
  for (const contract of data.contracts) {
    if (contract.state !== 'approved') continue;
    const tier = tiers.get(contract.tierId);
    if (!tier || tier.apiId !== contract.apiId) continue; // a contract without its tier is not honoured (fail closed)
    contracts.set(contractKey(contract.appId, contract.apiId), {
      contract,
      tier,
      limitKey: 'tier:' + contract.id,
      windowMs: tier.limit.windowSeconds * 1000,
      policyItem: policyItem('tier', tier.limit.requests, tier.limit.windowSeconds),
    });
  }
  const directory: Directory = {
    appByClientId: (clientId) => appsByClientId.get(clientId),
    secretsOf: (appId) => secretsByApp.get(appId) ?? NO_SECRETS,
  };

  const errors: ApiBuildError[] = [];
  const apis = new Map<string, CompiledApi>();
  const routes = new Map<string, CompiledApi>();
  for (const api of data.apis) {
    const compiled = compileApi(api, registry, {
      directory, clock, rateLimitStore, logger, appsByClientId, contracts,
    }, errors);
    apis.set(api.id, compiled);
    routes.set(compiled.prefix, compiled);
  }
  const routeOrder = [...routes.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const snapshot: Snapshot = Object.freeze({
    version: data.version,
    apis, routes, routeOrder,
    maxPrefixLength: routeOrder.length ? routeOrder[0]!.length : 0,
    environments, appsByClientId, secretsByApp, contracts,
    errors,
  });
  return snapshot;
}

const NO_SECRETS: readonly SecretVerifier[] = Object.freeze([]);

function indexSecrets(credentials: Credential[]): Map<string, SecretVerifier[]> {
  const byApp = new Map<string, SecretVerifier[]>();
  for (const c of credentials) {
    if (c.ownerType !== 'app' || c.kind !== 'secret' || !c.secretHash) continue;
    if (c.state !== 'active' && c.state !== 'retiring') continue;
    // A retiring secret stops working at the end of its grace window even if the removal job has not run yet.
    const retireAt = c.state === 'retiring' ? c.retireAt : null;
    const validUntil = c.expiresAt === null ? retireAt : retireAt === null ? c.expiresAt : Math.min(c.expiresAt, retireAt);
    let list = byApp.get(c.ownerId);
    if (!list) byApp.set(c.ownerId, (list = []));
    list.push({ credentialId: c.id, secretHash: c.secretHash, validUntil });
  }
  return byApp;
}

interface ApiDeps {
  directory: Directory;
  clock: Clock;
  rateLimitStore: RateLimitStore;
  logger: Logger;
  appsByClientId: ReadonlyMap<string, ClientApp>;
  contracts: ReadonlyMap<string, ContractGrant>;
}

function compileApi(api: Api, registry: Map<string, PolicyFactory>, deps: ApiDeps, errors: ApiBuildError[]): CompiledApi {
  const prefix = api.basePath === '/' ? '' : api.basePath.replace(/\/+$/, '');
  const base = { api, prefix, upstreamOrigin: '', upstreamPathPrefix: '' };
  const misconfigured = (message: string): CompiledApi => {
    errors.push({ apiId: api.id, apiName: api.name, message });
    return { ...base, blocked: deny('API_MISCONFIGURED', 'This API is misconfigured; the operator has been told.'), steps: [] };
  };

  let upstream: URL;
  try {
    upstream = new URL(api.upstreamUrl);
  } catch {
    return misconfigured(`upstreamUrl is not a URL: ${api.upstreamUrl}`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') return misconfigured('upstreamUrl must be http or https');
  if (upstream.search || upstream.hash || upstream.username) return misconfigured('upstreamUrl must not carry a query, fragment or user info');
  Object.assign(base, { upstreamOrigin: upstream.origin, upstreamPathPrefix: upstream.pathname.replace(/\/+$/, '') });

  const authenticate: PolicyHandler[] = [];
  const authorize: PolicyHandler[] = [];
  const limit: PolicyHandler[] = [];
  for (const [index, policy] of api.policies.entries()) {
    const factory = registry.get(policy.type);
    if (!factory) return misconfigured(`policy #${index + 1}: unknown type "${policy.type}"`);
    const parsed = factory.schema.safeParse(policy.config ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ');
      return misconfigured(`policy #${index + 1} (${policy.type}): ${detail}`);
    }
    let handler: PolicyHandler;
    try {
      handler = factory.create(parsed.data, { api, index, directory: deps.directory, clock: deps.clock, rateLimitStore: deps.rateLimitStore, logger: deps.logger });
    } catch (e) {
      return misconfigured(`policy #${index + 1} (${policy.type}): ${e instanceof Error ? e.message : String(e)}`);
    }
    (factory.phase === 'authenticate' ? authenticate : factory.phase === 'authorize' ? authorize : limit).push(handler);
  }
  if (authenticate.length === 0) {
    return { ...base, blocked: deny('NO_AUTHENTICATION_POLICY', 'This API has no authentication policy, so every call is refused.'), steps: [] };
  }
  const steps: PolicyHandler[] = [
    ...authenticate,
    requireIdentity,
    contractCheck(api, deps.appsByClientId, deps.contracts),
    ...authorize,
    tierLimit(deps.rateLimitStore),
    ...limit,
  ];
  return { ...base, blocked: null, steps };
}
