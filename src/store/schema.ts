import type { ColumnType } from 'kysely';

/**
 * The tables as Kysely sees them. Column names are snake_case; each repository's mapper turns rows into domain
 * objects. Times are epoch ms in bigint columns (pg is told to parse int8 as number, see postgres.ts).
 * JSON columns are text on SQLite and jsonb on PostgreSQL: written as a JSON string, read back through `JsonCodec`.
 */
export type Json = ColumnType<unknown, string, string>;
export type NullableJson = ColumnType<unknown, string | null, string | null>;

export interface EnvironmentsTable {
  id: string;
  name: string;
  description: string;
  default_provider_id: string | null;
  provider_ids: Json;
  settings: Json;
  created_at: number;
  updated_at: number;
}

export interface ProvidersTable {
  id: string;
  name: string;
  kind: string;
  config: Json;
  secret_ciphertext: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApisTable {
  id: string;
  environment_id: string;
  name: string;
  version: string;
  base_path: string;
  upstream_url: string;
  provider_id: string | null;
  /** The ordered policy chain, one JSON array. */
  policies: Json;
  created_at: number;
  updated_at: number;
}

export interface TiersTable {
  id: string;
  api_id: string;
  name: string;
  limit_requests: number;
  limit_window_seconds: number;
  approval: string;
  created_at: number;
  updated_at: number;
}

export interface AppsTable {
  id: string;
  environment_id: string;
  name: string;
  description: string;
  owner_contacts: Json;
  owner_subject: string | null;
  provider_id: string | null;
  client_id: string | null;
  registration: NullableJson;
  created_at: number;
  updated_at: number;
}

export interface ContractsTable {
  id: string;
  app_id: string;
  api_id: string;
  tier_id: string;
  state: string;
  requested_by: string;
  decided_by: string | null;
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export interface CredentialsTable {
  id: string;
  owner_type: string;
  owner_id: string;
  kind: string;
  key_id: string;
  hint: string;
  secret_hash: string | null;
  origin: string;
  state: string;
  created_at: number;
  expires_at: number | null;
  retire_at: number | null;
  removed_at: number | null;
  last_used_at: number | null;
  /** 'gateway' | 'idp'; null = gateway (migration 005). */
  last_used_source: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  subject: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface JobsTable {
  id: string;
  type: string;
  key: string;
  state: string;
  payload: Json;
  progress: Json;
  attempts: number;
  run_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface AuditEventsTable {
  id: string;
  /** Not unique on purpose: verify() must be able to see a forged duplicate. Appends serialise on meta 'audit_head'. */
  seq: number;
  type: string;
  entity_type: string;
  entity_id: string;
  actor: string;
  at: number;
  before: NullableJson;
  after: NullableJson;
  idp_activity: string | null;
  prev_hash: string;
  hash: string;
}

export interface UsageRollupsTable {
  minute: number;
  api_id: string;
  /** '' stands for "no app" so the upsert key has no NULL in it (NULLs never conflict). */
  app_id: string;
  status_class: string;
  count: number;
  latency_sum_ms: number;
  latency_max_ms: number;
}

export interface AppActivityTable {
  app_id: string;
  last_seen_at: number;
  source_addresses: Json;
}

/** Named counters: 'change_counter' (value) and 'audit_head' (value = last seq, text_value = last hash). */
export interface MetaTable {
  name: string;
  value: number;
  text_value: string | null;
}

export interface Database {
  environments: EnvironmentsTable;
  providers: ProvidersTable;
  apis: ApisTable;
  tiers: TiersTable;
  apps: AppsTable;
  contracts: ContractsTable;
  credentials: CredentialsTable;
  api_tokens: ApiTokensTable;
  jobs: JobsTable;
  audit_events: AuditEventsTable;
  usage_rollups: UsageRollupsTable;
  app_activity: AppActivityTable;
  meta: MetaTable;
}
