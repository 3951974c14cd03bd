import { GatehouseError, isGatehouseError } from '../core/errors.ts';
import { UNIQUE_CONSTRAINTS, type UniqueConstraint } from './unique-constraints.ts';

/** PostgreSQL SQLSTATEs and socket errors that mean "the database is not there", not "your request is wrong". */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', 'SQLITE_BUSY', 'SQLITE_CANTOPEN']);

/** pg reports pool timeouts and dropped connections without a code. */
const LOST_CONNECTION = /timeout exceeded when trying to connect|Connection terminated|connection ended unexpectedly/i;

/** Turns a driver error into a GatehouseError so no raw driver message leaves the store. */
export function translateDriverError(error: unknown): unknown {
  if (isGatehouseError(error) || !(error instanceof Error)) return error;
  const { code, constraint } = error as Error & { code?: string; constraint?: string };
  const unique = code === '23505' ? findByIndex(constraint) : isSqliteUnique(code) ? findBySqliteMessage(error.message) : undefined;
  if (unique) {
    return new GatehouseError('NAME_TAKEN', `That ${unique.what} is already taken.`, { field: unique.field }, { cause: error });
  }
  if (code === '23505' || isSqliteUnique(code)) {
    return new GatehouseError('CONFLICT', 'A row with the same unique value already exists.', {}, { cause: error });
  }
  if (code === '40P01' || code === '40001') {
    return new GatehouseError('CONFLICT', 'A concurrent change got in the way; try again.', { retryable: true }, { cause: error });
  }
  if ((code && UNAVAILABLE.has(code)) || LOST_CONNECTION.test(error.message)) {
    return new GatehouseError('STORE_UNAVAILABLE', 'The database is unavailable.', {}, { cause: error });
  }
  return error;
}

function isSqliteUnique(code: string | undefined): boolean {
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function findByIndex(name: string | undefined): UniqueConstraint | undefined {
  return UNIQUE_CONSTRAINTS.find((c) => c.index === name);
}

/** SQLite: "UNIQUE constraint failed: apis.environment_id, apis.name, apis.version". */
function findBySqliteMessage(message: string): UniqueConstraint | undefined {
  const match = /constraint failed: (.+)$/.exec(message);
  if (!match) return undefined;
  const columns = match[1]!.split(',').map((s) => s.trim());
  return UNIQUE_CONSTRAINTS.find(
    (c) => c.columns.length === columns.length && c.columns.every((col, i) => columns[i] === `${c.table}.${col}`),
  );
}

/** Runs `fn`, translating driver errors. */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw translateDriverError(error);
  }
}
