import type { Kysely } from 'kysely';
import type { Store } from '../core/ports/store.ts';
import type { Database } from './schema.ts';

const handles = new WeakMap<Store, Kysely<Database>>();

export function registerDatabase(store: Store, db: Kysely<Database>): Store {
  handles.set(store, db);
  return store;
}

/**
 * The Kysely handle behind a store opened by openStore. For the contract suite (which tampers with rows to prove
 * the audit chain notices) and maintenance tools; product code goes through the Store port.
 */
export function databaseOf(store: Store): Kysely<Database> {
  const db = handles.get(store);
  if (!db) throw new Error('This store was not opened by openStore.');
  return db;
}
