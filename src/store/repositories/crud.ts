import type { Insertable, Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { notFound } from '../../core/errors.ts';
import type { WritableRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import type { JsonCodec } from '../json.ts';
import { decodeCursor, isString, pageLimit, toPage } from '../paging.ts';
import type { Database } from '../schema.ts';

// Kysely's types cannot follow a table name chosen at run time, so the shared CRUD code talks to an untyped
// handle; each entity's mapper (typed against schema.ts) is where row shapes are checked.
export type AnySelect = SelectQueryBuilder<any, any, any>;
type Row = Record<string, unknown>;

/** How one entity is stored: its table, its row <-> domain mapper, and its list filter. */
export interface EntitySpec<T extends { id: string }, F, N extends keyof Database> {
  table: N;
  /** Named in NOT_FOUND errors ("No environment with id …"). */
  kind: string;
  toRow(entity: T, json: JsonCodec): Insertable<Database[N]>;
  fromRow(row: Selectable<Database[N]>, json: JsonCodec): T;
  /** Narrows the list query; columns are qualified with the table name (joins are allowed). */
  filter(query: AnySelect, filter: F): AnySelect;
}

export function crudRepository<T extends { id: string }, F, N extends keyof Database>(ctx: StoreContext, spec: EntitySpec<T, F, N>): WritableRepository<T, F> {
  const table: string = spec.table;
  const { kind } = spec;
  const json = ctx.json;
  const untyped = (db: Kysely<Database>) => db as unknown as Kysely<any>;
  const fromRow = (row: Row) => spec.fromRow(row as Selectable<Database[N]>, json);

  return {
    get: (id) =>
      ctx.read(async (db) => {
        const row = await untyped(db).selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
        return row ? fromRow(row) : null;
      }),

    list: (filter, page) =>
      ctx.read(async (db) => {
        const limit = pageLimit(page);
        const after = decodeCursor(page?.cursor, isString);
        let query: AnySelect = untyped(db).selectFrom(table).selectAll(table);
        query = spec.filter(query, filter ?? ({} as F));
        if (after !== null) query = query.where(`${table}.id`, '>', after);
        const rows: Row[] = await query.orderBy(`${table}.id`).limit(limit + 1).execute();
        return toPage(rows, limit, fromRow, (row) => row.id);
      }),

    insert: (entity) =>
      ctx.write(async ({ db }) => {
        await untyped(db).insertInto(table).values(spec.toRow(entity, json) as Row).execute();
      }),

    update: (entity) =>
      ctx.write(async ({ db }) => {
        const { id, ...values } = spec.toRow(entity, json) as Row;
        const result = await untyped(db).updateTable(table).set(values).where('id', '=', entity.id).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw notFound(kind, entity.id);
      }),

    delete: (id) =>
      ctx.write(async ({ db }) => {
        const result = await untyped(db).deleteFrom(table).where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) throw notFound(kind, id);
      }),
  };
}

/** Adds `column = value` for each filter field that is set. */
export function whereEquals(query: AnySelect, table: string, pairs: [column: string, value: unknown][]): AnySelect {
  let q = query;
  for (const [column, value] of pairs) if (value !== undefined) q = q.where(`${table}.${column}`, '=', value);
  return q;
}
