import type { Api, ClientApp, Contract, Credential, Environment, Tier } from '../../core/domain.ts';
import type { PolicyHandler, SecretVerifier } from '../pipeline/policy.ts';
import type { Denial } from '../pipeline/denial.ts';

/** Everything a snapshot is compiled from: plain lists, as the store returns them (loader: load.ts). */
export interface SnapshotData {
  /** The store's change counter when the data was read. */
  version: number;
  environments: Environment[];
  apis: Api[];
  tiers: Tier[];
  apps: ClientApp[];
  /** Approved contracts (others are ignored if present). */
  contracts: Contract[];
  /** App credentials (provider credentials and removed ones are ignored if present). */
  credentials: Credential[];
}

/** An approved contract with everything the tier limit needs, precomputed. */
export interface ContractGrant {
  contract: Contract;
  tier: Tier;
  /** Rate-limit counter key: one counter per contract. */
  limitKey: string;
  windowMs: number;
  /** `RateLimit-Policy` item for this tier. */
  policyItem: string;
}

export interface CompiledApi {
  readonly api: Api;
  /** Routing key: the base path, '' for '/'. */
  readonly prefix: string;
  readonly upstreamOrigin: string;
  /** Upstream URL path without trailing slash ('' for '/'); the request's rest is appended to it. */
  readonly upstreamPathPrefix: string;
  /** Set when every call must be refused (misconfigured, no authentication policy). */
  readonly blocked: Denial | null;
  /**
   * The pipeline between route and proxy, in order: authenticate policies, identity guard, contract check,
   * authorize policies, tier limit, limit policies. Empty when `blocked`.
   */
  readonly steps: readonly PolicyHandler[];
}

export interface ApiBuildError {
  apiId: string;
  apiName: string;
  message: string;
}

/** Immutable once built; the gateway swaps whole snapshots, never edits one. */
export interface Snapshot {
  readonly version: number;
  readonly apis: ReadonlyMap<string, CompiledApi>;
  /** Routing table: prefix → API. Looked up from the longest candidate prefix of the path down. */
  readonly routes: ReadonlyMap<string, CompiledApi>;
  /** Base paths sorted longest first (for display and tests). */
  readonly routeOrder: readonly string[];
  readonly maxPrefixLength: number;
  readonly environments: ReadonlyMap<string, Environment>;
  readonly appsByClientId: ReadonlyMap<string, ClientApp>;
  readonly secretsByApp: ReadonlyMap<string, readonly SecretVerifier[]>;
  /** Approved contracts by `${appId}:${apiId}`. */
  readonly contracts: ReadonlyMap<string, ContractGrant>;
  readonly errors: readonly ApiBuildError[];
}

export const contractKey = (appId: string, apiId: string): string => appId + ':' + apiId;
