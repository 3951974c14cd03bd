import pg from 'pg';
import { PostgresDialect } from 'kysely';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * A pool whose bigint/numeric columns come back as numbers (epoch ms and counters fit in 2^53), set per pool so
 * other pg users in the process are unaffected. With a schema, every connection gets it as its search_path.
 */
export function postgresPool(connectionString: string, schema: string | null): pg.Pool {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString,
    types,
    max: 10,
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the next query reports STORE_UNAVAILABLE.
  pool.on('error', () => {});
  return pool;
}

export async function ensureSchema(pool: pg.Pool, schema: string | null): Promise<void> {
  if (!schema) return;
  // The name is checked against an identifier pattern in location.ts before it gets here.
  await pool.query(`create schema if not exists "${schema}"`);
}

export function postgresDialect(pool: pg.Pool): PostgresDialect {
  return new PostgresDialect({ pool });
}
