/**
 * The human output: a plain, aligned text table (no colours, no box drawing, so it pastes into tickets and diffs),
 * and a key/value block for single resources. Values are rendered by `cell`: null/undefined as "-", arrays joined.
 */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length ? value.map(cell).join(',') : '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s+/g, ' ');
}

export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  if (rows.length === 0) return '(none)\n';
  const body = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((v, i) => (i === cells.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...body.map(line)].join('\n') + '\n';
}

/** `key: value` lines for one resource, keys aligned. Nested objects are shown as compact JSON. */
export function renderRecord(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${(k + ':').padEnd(width + 1)} ${cell(record[k])}`).join('\n') + '\n';
}
