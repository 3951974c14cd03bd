import { systemClock, type Clock } from '../core/clock.ts';
import type { Store } from '../core/ports/store.ts';
import type { Vault } from '../platform/vault.ts';
import { ApiService } from './apis.ts';
import { AppService } from './apps.ts';
import { AuditQueryService } from './audit-query.ts';
import { ContractService } from './contracts.ts';
import { CredentialService } from './credentials.ts';
import { EnvironmentService } from './environments.ts';
import { ProviderService } from './providers.ts';
import { TierService } from './tiers.ts';
import { TokenService } from './tokens.ts';
import { UsageQueryService } from './usage-query.ts';

/** The control plane's domain services. Every write runs in one store transaction together with its audit event. */
export interface Services {
  environments: EnvironmentService;
  providers: ProviderService;
  apis: ApiService;
  tiers: TierService;
  apps: AppService;
  contracts: ContractService;
  credentials: CredentialService;
  tokens: TokenService;
  audit: AuditQueryService;
  usage: UsageQueryService;
}

/** `vault` (the master key) is needed only to store provider credentials (Entra); without it those writes answer 409. */
export function createServices(deps: { store: Store; clock?: Clock; vault?: Vault }): Services {
  const d = { store: deps.store, clock: deps.clock ?? systemClock };
  return {
    environments: new EnvironmentService(d),
    providers: new ProviderService(deps.vault ? { ...d, vault: deps.vault } : d),
    apis: new ApiService(d),
    tiers: new TierService(d),
    apps: new AppService(d),
    contracts: new ContractService(d),
    credentials: new CredentialService(d),
    tokens: new TokenService(d),
    audit: new AuditQueryService(d),
    usage: new UsageQueryService(d),
  };
}

export { SYSTEM_CALLER, withoutSecrets, type Caller } from './context.ts';
export { ensureBootstrapToken, authenticateToken, callerOf } from './tokens.ts';
export { registerPolicySchema, policySchema, knownPolicyTypes, validatePolicies, DEFAULT_POLICIES } from './policy-schemas.ts';
export { registerProviderKind, supportedProviderKinds } from './provider-kinds.ts';
export { DEFAULT_ENVIRONMENT_SETTINGS } from './environments.ts';
export type { EnvironmentInput, EnvironmentPatch } from './environments.ts';
export type { ProviderInput, ProviderPatch, ProviderCredentialInput } from './providers.ts';
export type { ApiInput, ApiPatch } from './apis.ts';
export type { TierInput, TierPatch } from './tiers.ts';
export type { AppInput, AppPatch } from './apps.ts';
export type { ContractInput, ContractDecision } from './contracts.ts';
export type { IssuedCredential } from './credentials.ts';
export type { TokenInput, IssuedToken } from './tokens.ts';
