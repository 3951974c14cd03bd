import { Kysely } from 'kysely';
import { systemClock, type Clock } from '../core/clock.ts';
import type { Store } from '../core/ports/store.ts';
import { translated } from './driver-errors.ts';
import { kyselyStore } from './kysely-store.ts';
import { parseStoreLocation } from './location.ts';
import { migrateToLatest } from './migrations/index.ts';
import { ensureSchema, postgresDialect, postgresPool } from './postgres.ts';
import type { Database } from './schema.ts';
import { sqliteDialect } from './sqlite.ts';

export interface OpenStoreOptions {
  /** `postgres://…?schema=NAME`, `postgresql://…`, `sqlite::memory:`, `sqlite:/path/file.db`; default: SQLite in dataDir. */
  url?: string;
  /** Folder of the default SQLite file `gatehouse.db` (created if missing); default `./data`. */
  dataDir?: string;
  /** PostgreSQL schema to use (created if missing); overrides the url's `?schema=`. Tests use it for isolation. */
  schema?: string;
  /** Time source for ids the store assigns (audit events). */
  clock?: Clock;
}

/** Opens the store named by `url` (or the embedded SQLite file) and brings its schema up to date. */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreLocation(options.url, options.dataDir, options.schema);
  const clock = options.clock ?? systemClock;

  if (location.dialect === 'postgres') {
    const pool = postgresPool(location.connectionString, location.schema);
    const db = new Kysely<Database>({ dialect: postgresDialect(pool) });
    try {
      await translated(() => ensureSchema(pool, location.schema));
      // Kysely looks for its migration tables in every schema unless told which: another schema's tables (a second
      // deployment, a test) would make it skip creating ours and then fail to read them.
      const schema = location.schema ?? (await translated(() => pool.query<{ s: string }>('select current_schema() as s'))).rows[0]!.s;
      await migrateToLatest(db, 'postgres', schema);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return kyselyStore(db, 'postgres', clock);
  }

  const db = new Kysely<Database>({ dialect: sqliteDialect(location.file) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return kyselyStore(db, 'sqlite', clock);
}

export type { Store } from '../core/ports/store.ts';
