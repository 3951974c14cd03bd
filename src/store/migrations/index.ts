import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { GatehouseError } from '../../core/errors.ts';
import type { StoreDialect } from '../context.ts';
import { initialMigration } from './001_initial.ts';
import { lifecycleMigration } from '../lifecycle/migration.ts';
import { contractsLiveUniqueMigration } from './003_contracts_live_unique.ts';
import { alertKindMigration } from './004_alert_kind.ts';
import { credentialLastUseMigration } from './005_credential_last_use.ts';
import { jobsTypeKeyIndexMigration } from './006_jobs_type_key_index.ts';

/** In-code provider: migrations ship inside the package, no files are read at run time. Names sort in run order. */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '001_initial': initialMigration(dialect),
    '002_lifecycle': lifecycleMigration,
    '003_contracts_live_unique': contractsLiveUniqueMigration,
    '004_alert_kind': alertKindMigration,
    '005_credential_last_use': credentialLastUseMigration,
    '006_jobs_type_key_index': jobsTypeKeyIndexMigration,
  };
  return { getMigrations: async () => migrations };
}

/** `schema` (PostgreSQL): where the migration bookkeeping tables live — the store's own schema. */
export async function migrateToLatest(db: Kysely<any>, dialect: StoreDialect, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    // The driver's message says why (a lock timeout, too many connections, duplicate rows for a new index); it
    // names database objects, never credentials.
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatehouseError('STORE_UNAVAILABLE', `Store migration ${failed} failed: ${reason}`, { migration: failed }, { cause: error });
  }
}
