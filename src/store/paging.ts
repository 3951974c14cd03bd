import { GatehouseError } from '../core/errors.ts';
import type { Page, PageRequest } from '../core/ports/store.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Clamps the requested page size into 1..500 (default 50). */
export function pageLimit(page?: PageRequest): number {
  const limit = page?.limit;
  if (limit === undefined || limit === null || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/** Cursors are opaque to callers: base64url of a JSON value (the last id, or a tuple for keyless tables). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string | null | undefined, isValid: (v: unknown) => v is T): T | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw new GatehouseError('VALIDATION_FAILED', 'The page cursor is not valid.', { field: 'cursor' });
  return value;
}

export const isString = (v: unknown): v is string => typeof v === 'string';
export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Given up to limit+1 rows, returns the page and the cursor of its last item when more rows exist. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (row: R) => unknown): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: more ? encodeCursor(cursorOf(pageRows[pageRows.length - 1]!)) : null,
  };
}
