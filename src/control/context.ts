import type { AuditType } from '../core/audit-catalog.ts';
import type { Clock } from '../core/clock.ts';
import type { Role } from '../core/domain.ts';
import { GatehouseError, notFound } from '../core/errors.ts';
import { isId, type IdKind } from '../core/ids.ts';
import type { AuditEventInput, Page, PageRequest, Repositories, Store } from '../core/ports/store.ts';

/**
 * Who is asking. `actor` is what the audit log records (an API token's `tok_…` id, or 'system' / 'bootstrap');
 * `subject` is what app ownership is compared with (consumers see only apps whose ownerSubject equals it).
 */
export interface Caller {
  actor: string;
  role: Role;
  subject: string;
}

/** Internal work (bootstrap, jobs, `serve` wiring) acts as this caller. */
export const SYSTEM_CALLER: Caller = { actor: 'system', role: 'admin', subject: 'system' };

export interface ServiceDeps {
  store: Store;
  clock: Clock;
}

export const isStaff = (caller: Caller): boolean => caller.role !== 'consumer';

/** Fields that must never reach an audit payload or an API response. */
const SECRET_FIELDS = ['secretHash', 'secretCiphertext', 'tokenHash'] as const;

/** A copy of `entity` without secret-bearing fields: what audit before/after records. */
export function withoutSecrets<T extends object>(entity: T): Omit<T, (typeof SECRET_FIELDS)[number]> {
  const copy = { ...entity } as Record<string, unknown>;
  for (const field of SECRET_FIELDS) delete copy[field];
  return copy as Omit<T, (typeof SECRET_FIELDS)[number]>;
}

export interface AuditRecord {
  type: AuditType;
  entityType: string;
  entityId: string;
  before: object | null;
  after: object | null;
  idpActivity?: string | null;
}

/** Appends one audit event inside the caller's transaction; before/after are stripped of secrets here, always. */
export async function audit(tx: Repositories, caller: Caller, at: number, record: AuditRecord): Promise<void> {
  const event: AuditEventInput = {
    type: record.type,
    entityType: record.entityType,
    entityId: record.entityId,
    actor: caller.actor,
    at,
    before: record.before === null ? null : withoutSecrets(record.before),
    after: record.after === null ? null : withoutSecrets(record.after),
    idpActivity: record.idpActivity ?? null,
  };
  await tx.audit.append(event);
}

/** Guards ids that arrive from outside the API layer (which checks them first, with the same code). */
export function requireId(kind: IdKind, id: string, field = 'id'): void {
  if (!isId(kind, id)) throw new GatehouseError('BAD_ID', `"${id}" is not a valid ${kind} id.`, { field });
}

export async function mustGet<T>(kind: string, id: string, get: (id: string) => Promise<T | null>): Promise<T> {
  const found = await get(id);
  if (!found) throw notFound(kind, id);
  return found;
}

/** Reads every page of a list (for checks that must see all rows, e.g. base-path conflicts). */
export async function listAll<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list({ limit: 500, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** Returns true when at least one row matches (one-row page). */
export async function anyMatch<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<boolean> {
  const page = await list({ limit: 1 });
  return page.items.length > 0;
}

export function validationFailed(path: string, message: string): GatehouseError {
  return new GatehouseError('VALIDATION_FAILED', `${path}: ${message}`, { errors: [{ path, message }] });
}

export const DAY_MS = 86_400_000;

/** True when an update would change nothing but `updatedAt`: services then skip the write and its audit event. */
export function unchanged<T extends { updatedAt: number }>(before: T, after: T): boolean {
  return canonical({ ...before, updatedAt: 0 }) === canonical({ ...after, updatedAt: 0 });
}

/** JSON with object keys sorted: PostgreSQL jsonb hands nested objects back in its own key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
