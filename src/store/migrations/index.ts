import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { GatehouseError } from '../../core/errors.ts';
import type { StoreDialect } from '../context.ts';
import { initialMigration } from './001_initial.ts';
import { lifecycleMigration } from '../lifecycle/migration.ts';

/** In-code provider: migrations ship inside the package, no files are read at run time. Names sort in run order. */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '001_initial': initialMigration(dialect),
    '002_lifecycle': lifecycleMigration,
  };
  return { getMigrations: async () => migrations };
}

export async function migrateToLatest(db: Kysely<any>, dialect: StoreDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new GatehouseError('STORE_UNAVAILABLE', `Store migration ${failed} failed.`, { migration: failed }, { cause: error });
  }
}
