import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig, type TransactionSettings,
} from 'kysely';
import { SQLITE_MEMORY } from './location.ts';

/**
 * Write transactions begin IMMEDIATE: they take the write lock up front, so a second process on the same file
 * waits (busy_timeout) instead of failing with SQLITE_BUSY when a deferred transaction tries to upgrade.
 * Read-only ones stay deferred: in WAL mode they read a snapshot without blocking writers.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function sqliteDialect(file: string): SqliteDialect {
  if (file !== SQLITE_MEMORY) mkdirSync(dirname(file), { recursive: true });
  const database = new BetterSqlite3(file);
  if (file !== SQLITE_MEMORY) database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  return new ImmediateSqliteDialect({ database });
}
