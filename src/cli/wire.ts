import type {
  Api, ApiToken, AppActivity, AuditEvent, ClientApp, Contract, Credential, Environment, Provider, Tier, UsageRollup,
} from '../core/domain.ts';

/**
 * Resources as the management API sends them: the domain types with times as ISO strings and without the
 * fields that never leave the server (hashes, ciphertexts).
 */
type TimeKey = 'createdAt' | 'updatedAt' | 'expiresAt' | 'retireAt' | 'removedAt' | 'lastUsedAt' | 'revokedAt' | 'at' | 'minute' | 'lastSeenAt';
export type Wire<T> = { [K in keyof T]: K extends TimeKey ? (null extends T[K] ? string | null : string) : T[K] };

export type EnvironmentJson = Wire<Environment>;
export type ProviderJson = Wire<Omit<Provider, 'secretCiphertext'>>;
export type ApiJson = Wire<Api>;
export type TierJson = Wire<Tier>;
export type AppJson = Wire<ClientApp>;
export type ContractJson = Wire<Contract>;
export type CredentialJson = Wire<Omit<Credential, 'secretHash'>>;
export type TokenJson = Wire<Omit<ApiToken, 'tokenHash'>>;
export type AuditEventJson = Wire<AuditEvent>;
export type UsageRollupJson = Wire<UsageRollup>;
export type ActivityJson = Wire<AppActivity> | { appId: string; lastSeenAt: null; sourceAddresses: string[] };
