/**
 * Field comparison for the plan. Values are compared by canonical JSON (object keys sorted), because the API
 * stores policy configs as written and key order in a YAML file carries no meaning.
 */
export interface FieldChange {
  field: string;
  /** Absent when the item is created. */
  from?: unknown;
  to: unknown;
}

export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

export const sameSet = (a: readonly string[], b: readonly string[]) => same([...new Set(a)].sort(), [...new Set(b)].sort());

/** Collects changed fields; `desired === undefined` means the file does not manage the field. */
export class Diff {
  readonly changes: FieldChange[] = [];

  field(field: string, current: unknown, desired: unknown, equal: (a: any, b: any) => boolean = same): boolean {
    if (desired === undefined || equal(current, desired)) return false;
    this.changes.push({ field, from: current, to: desired });
    return true;
  }
}

/** The fields a new item gets from the file, in file order, for the plan. */
export function created(fields: Record<string, unknown>): FieldChange[] {
  return Object.entries(fields).filter(([, v]) => v !== undefined).map(([field, to]) => ({ field, to }));
}
