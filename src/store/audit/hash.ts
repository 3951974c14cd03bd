import { createHash } from 'node:crypto';
import type { AuditEvent } from '../../core/domain.ts';

/** JSON with object keys sorted at every level, so the same content always hashes the same on both dialects. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export type HashedContent = Omit<AuditEvent, 'prevHash' | 'hash'>;

/** hash = sha256 hex of prevHash followed by the canonical JSON of the event's content. */
export function auditHash(prevHash: string, event: HashedContent): string {
  const content = {
    seq: event.seq,
    id: event.id,
    type: event.type,
    entityType: event.entityType,
    entityId: event.entityId,
    actor: event.actor,
    at: event.at,
    before: event.before ?? null,
    after: event.after ?? null,
    idpActivity: event.idpActivity,
  };
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}
