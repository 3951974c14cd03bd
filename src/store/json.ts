/**
 * JSON columns: SQLite stores text and hands text back; PostgreSQL stores jsonb and hands back parsed values.
 * Both are written as a JSON string (pg would turn a JS array parameter into a PostgreSQL array otherwise).
 */
export interface JsonCodec {
  encode(value: unknown): string;
  decode<T>(value: unknown): T;
}

export function jsonCodec(dialect: 'sqlite' | 'postgres'): JsonCodec {
  return {
    encode: (value) => JSON.stringify(value ?? null),
    decode: <T>(value: unknown) => (dialect === 'sqlite' && typeof value === 'string' ? JSON.parse(value) : value) as T,
  };
}
