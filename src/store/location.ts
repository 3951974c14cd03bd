import { join } from 'node:path';
import { GatehouseError } from '../core/errors.ts';

/** Where the store lives, parsed from `openStore`'s url / dataDir. */
export type StoreLocation =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; connectionString: string; schema: string | null };

export const SQLITE_MEMORY = ':memory:';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `postgres://…` / `postgresql://…` (optional `?schema=NAME`), `sqlite::memory:`, `sqlite:/path/file.db`;
 * no url → `${dataDir ?? './data'}/gatehouse.db`.
 */
export function parseStoreLocation(url: string | undefined, dataDir: string | undefined, schema?: string): StoreLocation {
  if (url === undefined || url === '') return { dialect: 'sqlite', file: join(dataDir ?? './data', 'gatehouse.db') };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return postgresLocation(url, schema);
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw invalid('sqlite: needs a file path or :memory:');
    return { dialect: 'sqlite', file };
  }
  throw invalid('use postgres://…, postgresql://…, sqlite::memory: or sqlite:/path/to/file.db');
}

function postgresLocation(url: string, schemaOption: string | undefined): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('the PostgreSQL url cannot be parsed');
  }
  const schema = schemaOption ?? parsed.searchParams.get('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw invalid('schema must be a lower-case identifier (letters, digits, underscore)');
  }
  parsed.searchParams.delete('schema');
  return { dialect: 'postgres', connectionString: parsed.toString(), schema };
}

// The url may hold a password, so the error never repeats it.
function invalid(why: string): GatehouseError {
  return new GatehouseError('VALIDATION_FAILED', `Invalid store url: ${why}.`, { field: 'url' });
}
