import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export const CHANGE_COUNTER = 'change_counter';
export const AUDIT_HEAD = 'audit_head';
export const GENESIS_HASH = '0'.repeat(64);

export async function bumpChangeCounter(db: Kysely<Database>): Promise<void> {
  await db.updateTable('meta').set({ value: sql`value + 1` }).where('name', '=', CHANGE_COUNTER).execute();
}

export async function readChangeCounter(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('meta').select('value').where('name', '=', CHANGE_COUNTER).executeTakeFirst();
  return Number(row?.value ?? 0);
}

export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * Reads the audit chain head. `lock` (inside a transaction) holds it until commit so appends serialise:
 * PostgreSQL takes a row lock; SQLite needs nothing because Kysely's SQLite driver runs one transaction at a time
 * (and transactions begin IMMEDIATE, see sqlite.ts, which also covers other processes on the same file).
 */
export async function readAuditHead(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', lock: boolean): Promise<AuditHead> {
  let query = db.selectFrom('meta').select(['value', 'text_value']).where('name', '=', AUDIT_HEAD);
  if (lock && dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return { seq: Number(row?.value ?? 0), hash: row?.text_value ?? GENESIS_HASH };
}

export async function writeAuditHead(db: Kysely<Database>, head: AuditHead): Promise<void> {
  await db.updateTable('meta').set({ value: head.seq, text_value: head.hash }).where('name', '=', AUDIT_HEAD).execute();
}
