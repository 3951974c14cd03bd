import type { AuditEvent } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { AuditFilter, AuditLog } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import type { JsonCodec } from '../json.ts';
import { readAuditHead, writeAuditHead } from '../meta.ts';
import { decodeCursor, isNumber, pageLimit, toPage } from '../paging.ts';
import type { Database } from '../schema.ts';
import type { Selectable } from 'kysely';
import { auditHash } from '../audit/hash.ts';
import { verifyChain } from '../audit/verify.ts';

export function auditFromRow(r: Selectable<Database['audit_events']>, json: JsonCodec): AuditEvent {
  return {
    seq: r.seq,
    id: r.id,
    type: r.type,
    entityType: r.entity_type,
    entityId: r.entity_id,
    actor: r.actor,
    at: r.at,
    before: r.before === null ? null : json.decode(r.before),
    after: r.after === null ? null : json.decode(r.after),
    idpActivity: r.idp_activity,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The audit log is ordered and paged by seq (its true order; `newestFirst` reverses it), not by id. `from` is inclusive, `to` exclusive. */
export function auditLog(ctx: StoreContext): AuditLog {
  return {
    append: (input) =>
      ctx.write(async ({ db, dialect, json, clock }) => {
        const head = await readAuditHead(db, dialect, true);
        const content = {
          seq: head.seq + 1,
          id: newId('audit', clock.now()),
          type: input.type,
          entityType: input.entityType,
          entityId: input.entityId,
          actor: input.actor,
          at: input.at,
          // Stored as they will be read back (undefined members dropped), so the hash survives a round trip.
          before: normalise(input.before),
          after: normalise(input.after),
          idpActivity: input.idpActivity ?? null,
        };
        const event: AuditEvent = { ...content, prevHash: head.hash, hash: auditHash(head.hash, content) };
        await db
          .insertInto('audit_events')
          .values({
            id: event.id,
            seq: event.seq,
            type: event.type,
            entity_type: event.entityType,
            entity_id: event.entityId,
            actor: event.actor,
            at: event.at,
            before: event.before === null ? null : json.encode(event.before),
            after: event.after === null ? null : json.encode(event.after),
            idp_activity: event.idpActivity,
            prev_hash: event.prevHash,
            hash: event.hash,
          })
          .execute();
        await writeAuditHead(db, { seq: event.seq, hash: event.hash });
        return event;
      }),

    list: (filter: AuditFilter = {}, page) =>
      ctx.read(async (db) => {
        const limit = pageLimit(page);
        const after = decodeCursor(page?.cursor, isNumber);
        let query = db.selectFrom('audit_events').selectAll();
        if (filter.entityType !== undefined) query = query.where('entity_type', '=', filter.entityType);
        if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId);
        if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
        if (filter.type !== undefined) query = query.where('type', '=', filter.type);
        if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
        if (filter.to !== undefined) query = query.where('at', '<', filter.to);
        const direction = filter.newestFirst ? 'desc' : 'asc';
        if (after !== null) query = query.where('seq', filter.newestFirst ? '<' : '>', after);
        const rows = await query.orderBy('seq', direction).orderBy('id', direction).limit(limit + 1).execute();
        return toPage(rows, limit, (r) => auditFromRow(r, ctx.json), (r) => r.seq);
      }),

    verify: () =>
      ctx.readConsistent(async (db) => {
        const head = await readAuditHead(db, ctx.dialect, false);
        return verifyChain(head, async (afterSeq, afterId, limit) => {
          const rows = await db
            .selectFrom('audit_events')
            .selectAll()
            .where((eb) => eb.or([eb('seq', '>', afterSeq), eb.and([eb('seq', '=', afterSeq), eb('id', '>', afterId)])]))
            .orderBy('seq')
            .orderBy('id')
            .limit(limit)
            .execute();
          return rows.map((r) => auditFromRow(r, ctx.json));
        });
      }),
  };
}

function normalise(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
