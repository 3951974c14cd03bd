import type { LifecycleStore } from '../../core/ports/lifecycle.ts';
import type { Store } from '../../core/ports/store.ts';
import { databaseOf } from '../raw.ts';
import { createKyselyLifecycleStore } from './kysely-lifecycle-store.ts';
import { lifecycleMigration } from './migration.ts';

export { createKyselyLifecycleStore } from './kysely-lifecycle-store.ts';
export { lifecycleMigration } from './migration.ts';

/**
 * The lifecycle store in the same database as `store` (opened by openStore). Its tables are created by the
 * `002_lifecycle` migration (and `004_alert_kind` adds the ledger's notice kind); `ensureSchema` (default true) also
 * creates them here if missing — every statement is `if not exists`, so this is harmless once the migrations ran.
 */
export async function openLifecycleStore(store: Store, options: { ensureSchema?: boolean } = {}): Promise<LifecycleStore> {
  const db = databaseOf(store);
  if (options.ensureSchema !== false) {
    // Two PostgreSQL nodes starting together can both pass "if not exists" and collide on the catalog; the
    // second attempt then finds the tables.
    await lifecycleMigration.up(db).catch(() => lifecycleMigration.up(db));
  }
  return createKyselyLifecycleStore(db, store.dialect);
}
