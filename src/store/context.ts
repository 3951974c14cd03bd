import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.ts';
import type { Database } from './schema.ts';
import type { JsonCodec } from './json.ts';
import { translated } from './driver-errors.ts';
import { bumpChangeCounter } from './meta.ts';

export type StoreDialect = 'sqlite' | 'postgres';

/** What every repository is built on: the database handle (root or transaction) and how to write through it. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  readonly json: JsonCodec;
  readonly clock: Clock;
  readonly inTransaction: boolean;
  /**
   * Runs a write. Inside Store.transaction it runs on the transaction and marks it as having written, so the
   * change counter moves on commit. Outside, it runs in a transaction of its own; `counted: false` is for
   * bookkeeping (usage, job locking) that the gateway's config snapshot does not depend on.
   */
  write<T>(fn: (ctx: StoreContext) => Promise<T>, options?: { counted?: boolean }): Promise<T>;
  /** Runs a read, translating driver errors. */
  read<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Runs several reads on one snapshot (a read transaction when not already inside one). */
  readConsistent<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

interface Base {
  dialect: StoreDialect;
  json: JsonCodec;
  clock: Clock;
}

/** `guard` throws when the root store is used where it must not be (inside a transaction's callback). */
export function rootContext(db: Kysely<Database>, base: Base, guard: () => void = () => {}): StoreContext {
  const ctx: StoreContext = {
    ...base,
    db,
    inTransaction: false,
    read: (fn) =>
      translated(() => {
        guard();
        return fn(db);
      }),
    readConsistent: (fn) =>
      translated(() => {
        guard();
        const builder = db.transaction().setAccessMode('read only');
        const consistent = base.dialect === 'postgres' ? builder.setIsolationLevel('repeatable read') : builder;
        return consistent.execute((trx) => fn(trx));
      }),
    write: (fn, options) =>
      translated(() => {
        guard();
        return db.transaction().execute(async (trx) => {
          const result = await fn(transactionContext(trx, base, { wrote: false }));
          if (options?.counted !== false) await bumpChangeCounter(trx);
          return result;
        });
      }),
  };
  return ctx;
}

export interface TransactionState {
  wrote: boolean;
}

export function transactionContext(trx: Kysely<Database>, base: Base, state: TransactionState): StoreContext {
  const ctx: StoreContext = {
    ...base,
    db: trx,
    inTransaction: true,
    read: (fn) => translated(() => fn(trx)),
    readConsistent: (fn) => translated(() => fn(trx)),
    write: (fn) => {
      state.wrote = true;
      return translated(() => fn(ctx));
    },
  };
  return ctx;
}
