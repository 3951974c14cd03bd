/**
 * Every unique index, in one place: the initial migration creates them from this list and driver-errors.ts
 * turns a violation back into NAME_TAKEN naming the domain field. Index names are what PostgreSQL reports;
 * SQLite reports "table.column, …", so both the name and the columns are kept.
 */
export interface UniqueConstraint {
  index: string;
  table: string;
  columns: string[];
  /** The domain field a caller should change. */
  field: string;
  /** Human wording: "<what> is already taken". */
  what: string;
  /** Raw SQL predicate for a partial index. */
  where?: string;
}

export const UNIQUE_CONSTRAINTS: readonly UniqueConstraint[] = [
  { index: 'environments_name_uq', table: 'environments', columns: ['name'], field: 'name', what: 'environment name' },
  { index: 'providers_name_uq', table: 'providers', columns: ['name'], field: 'name', what: 'provider name' },
  { index: 'apis_base_path_uq', table: 'apis', columns: ['base_path'], field: 'basePath', what: 'API base path' },
  {
    index: 'apis_env_name_version_uq', table: 'apis', columns: ['environment_id', 'name', 'version'], field: 'name',
    what: 'API name and version in this environment',
  },
  { index: 'tiers_api_name_uq', table: 'tiers', columns: ['api_id', 'name'], field: 'name', what: 'tier name for this API' },
  { index: 'apps_env_name_uq', table: 'apps', columns: ['environment_id', 'name'], field: 'name', what: 'app name in this environment' },
  // NULL client ids never collide: both databases treat NULLs as distinct in unique indexes.
  { index: 'apps_client_id_uq', table: 'apps', columns: ['client_id'], field: 'clientId', what: 'client id' },
  { index: 'api_tokens_token_hash_uq', table: 'api_tokens', columns: ['token_hash'], field: 'tokenHash', what: 'token hash' },
  {
    index: 'jobs_unfinished_type_key_uq', table: 'jobs', columns: ['type', 'key'], field: 'key',
    what: 'job key (an unfinished job of this type has it)', where: "state in ('pending', 'running')",
  },
];
