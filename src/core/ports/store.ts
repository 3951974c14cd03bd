import type {
  ApiToken, Api, AppActivity, AuditEvent, ClientApp, Contract, ContractState, Credential, CredentialOwnerType,
  Environment, Job, LastUseSource, Provider, Tier, UsageRollup,
} from '../domain.ts';

/**
 * The store port. Implementations: src/store (Kysely on SQLite and PostgreSQL). Every implementation passes
 * the shared suite in src/store/contract-suite.ts.
 *
 * Rules every implementation keeps:
 * - Writes happen only inside `transaction`; the audit event of a change is appended in the same transaction,
 *   so either both commit or neither does.
 * - Each committed write transaction increments the change counter (`changeCounter`), which the gateway polls.
 * - Unique violations surface as GatehouseError('NAME_TAKEN' | 'CONFLICT'), never as driver errors.
 * - Lists are ordered by id (ids are time-ordered) and paged by cursor: pass the previous page's `nextCursor`.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  /** 1..500, default 50. */
  limit?: number;
  /** Opaque cursor from the previous page. */
  cursor?: string | null;
}

export interface Repository<T extends { id: string }, F = Record<string, never>> {
  get(id: string): Promise<T | null>;
  list(filter?: F, page?: PageRequest): Promise<Page<T>>;
}

export interface WritableRepository<T extends { id: string }, F = Record<string, never>> extends Repository<T, F> {
  insert(row: T): Promise<void>;
  /** Replaces the whole row (by id). Throws NOT_FOUND when absent. */
  update(row: T): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface EnvironmentFilter { name?: string }
export interface ProviderFilter { kind?: Provider['kind']; name?: string }
export interface ApiFilter { environmentId?: string; providerId?: string; name?: string }
export interface TierFilter { apiId?: string }
export interface AppFilter { environmentId?: string; ownerSubject?: string; clientId?: string; providerId?: string; name?: string }
export interface ContractFilter { appId?: string; apiId?: string; tierId?: string; state?: ContractState; ownerSubject?: string }
export interface CredentialFilter {
  ownerType?: CredentialOwnerType;
  ownerId?: string;
  states?: Credential['state'][];
  /** Only credentials whose expiresAt is at or before this time. */
  expiresBefore?: number;
}
export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actor?: string;
  type?: string;
  from?: number;
  to?: number;
  /** Latest events first (default: chain order, oldest first). Keep the same order while following a cursor. */
  newestFirst?: boolean;
}
export interface ApiTokenFilter { subject?: string }
export interface JobFilter { type?: string; state?: Job['state']; key?: string }

/** The audit event as a service describes it; the store assigns seq, id, prevHash and hash. */
export type AuditEventInput = Omit<AuditEvent, 'seq' | 'id' | 'prevHash' | 'hash'>;

export interface AuditLog {
  append(event: AuditEventInput): Promise<AuditEvent>;
  list(filter?: AuditFilter, page?: PageRequest): Promise<Page<AuditEvent>>;
  /** Walks the whole chain: recomputes each hash and checks seq continuity. */
  verify(): Promise<AuditVerification>;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  /** First problem found: a row whose hash does not match its content, a broken link, or a gap in seq. */
  problem: { seq: number; kind: 'changed' | 'broken-link' | 'missing' | 'inserted'; detail: string } | null;
}

export interface UsageFilter { apiId?: string; appId?: string; from?: number; to?: number }

export interface UsageRepository {
  /** Adds counts to existing rollup rows (same minute/api/app/statusClass) or creates them. */
  addRollups(rows: UsageRollup[]): Promise<void>;
  /** Updates last seen (max) and merges source addresses (newest first, at most 20 kept). */
  touchApps(rows: AppActivity[]): Promise<void>;
  rollups(filter?: UsageFilter, page?: PageRequest): Promise<Page<UsageRollup>>;
  activity(appId: string): Promise<AppActivity | null>;
}

/** One observed last use of a credential (`recordLastUse`). */
export interface CredentialLastUse {
  credentialId: string;
  lastUsedAt: number;
  source: LastUseSource;
}

export interface CredentialRepository extends WritableRepository<Credential, CredentialFilter> {
  /**
   * Raises `lastUsedAt` (and sets `lastUsedSource`) where the observation is newer than what is stored; older ones and
   * unknown ids are ignored. Returns how many rows changed. An observation, not a state change: not audited and,
   * outside a transaction, it does not move the change counter (the gateway snapshot does not depend on it).
   */
  recordLastUse(rows: CredentialLastUse[]): Promise<number>;
}

export interface JobRepository extends WritableRepository<Job, JobFilter> {
  /** Atomically locks the next due job (`runAt <= now`, pending, or running with an expired lock) for `owner`. */
  claimNext(owner: string, now: number, lockMs: number, types?: string[]): Promise<Job | null>;
  /** The most recently created job matching `filter` (ties: the larger id), or null; one indexed row, not the history. */
  latest(filter: JobFilter): Promise<Job | null>;
}

export interface ApiTokenRepository extends WritableRepository<ApiToken, ApiTokenFilter> {
  getByHash(tokenHash: string): Promise<ApiToken | null>;
  /**
   * Raises `lastUsedAt` to `at` when it is older (or unset). An observation, not a change: not audited and, outside a
   * transaction, it does not move the change counter. Returns whether the row changed.
   */
  recordLastUse(id: string, at: number): Promise<boolean>;
}

export interface Repositories {
  environments: WritableRepository<Environment, EnvironmentFilter>;
  providers: WritableRepository<Provider, ProviderFilter>;
  apis: WritableRepository<Api, ApiFilter>;
  tiers: WritableRepository<Tier, TierFilter>;
  apps: WritableRepository<ClientApp, AppFilter>;
  contracts: WritableRepository<Contract, ContractFilter>;
  credentials: CredentialRepository;
  apiTokens: ApiTokenRepository;
  jobs: JobRepository;
  usage: UsageRepository;
  audit: AuditLog;
}

export interface Store extends Repositories {
  /**
   * Runs `fn` in one database transaction. Reads through `tx` see its own writes. A thrown error rolls back.
   * Writes made through the Store itself (outside a transaction) are allowed only for usage and job locking,
   * which are not audited state changes.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Monotonic number that grows with every committed write transaction. */
  changeCounter(): Promise<number>;
  /** Cheap liveness probe (`select 1`). */
  ping(): Promise<void>;
  readonly dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}
