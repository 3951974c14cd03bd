import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../core/clock.ts';
import { GatehouseError } from '../core/errors.ts';
import type { Repositories, Store } from '../core/ports/store.ts';
import { rootContext, transactionContext, type StoreDialect } from './context.ts';
import { translated } from './driver-errors.ts';
import { jsonCodec } from './json.ts';
import { bumpChangeCounter, readChangeCounter } from './meta.ts';
import { registerDatabase } from './raw.ts';
import { createRepositories } from './repositories/index.ts';
import type { Database } from './schema.ts';

/**
 * The Store over a migrated Kysely instance. Code inside `transaction` must use `tx`, never the store itself:
 * on SQLite (one connection, one transaction at a time) that would wait forever, and on PostgreSQL it would not
 * see the transaction's own writes. Such a call fails at once with INTERNAL instead.
 */
export function kyselyStore(db: Kysely<Database>, dialect: StoreDialect, clock: Clock): Store {
  const base = { dialect, json: jsonCodec(dialect), clock };
  // On Node 20 an AsyncLocalStorage that has run once hooks every later async operation in the process, which
  // cost the in-process gateway ~25% CPU per request (bench/gateway.bench.ts, BENCH_SEED_IN_PROCESS=1). So the
  // misuse guard runs under the test runner (and with GATEHOUSE_STORE_GUARD=1), where misuse is found, not in production.
  const guarded = Boolean(process.env.NODE_TEST_CONTEXT || process.env.GATEHOUSE_STORE_GUARD === '1');
  const openTransaction = guarded ? new AsyncLocalStorage<{ open: boolean }>() : null;
  const guard = () => {
    if (openTransaction?.getStore()?.open) {
      throw new GatehouseError('INTERNAL', 'The store was used directly inside Store.transaction; use the tx repositories.');
    }
  };
  const root = rootContext(db, base, guard);

  return registerDatabase({
    ...createRepositories(root),
    dialect,

    transaction: <T>(fn: (tx: Repositories) => Promise<T>) =>
      translated(() => {
        guard();
        return db.transaction().execute(async (trx) => {
          const state = { wrote: false };
          const scope = { open: true };
          try {
            const run = () => fn(createRepositories(transactionContext(trx, base, state)));
            const result = await (openTransaction ? openTransaction.run(scope, run) : run());
            if (state.wrote) await bumpChangeCounter(trx);
            return result;
          } finally {
            scope.open = false;
          }
        });
      }),

    changeCounter: () => root.read(readChangeCounter),

    ping: () =>
      root.read(async (d) => {
        await sql`select 1`.execute(d);
      }),

    close: () => db.destroy(),
  }, db);
}
