import { sql } from 'kysely';
import type { Job } from '../../core/domain.ts';
import type { JobFilter, JobRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type AnySelect, type EntitySpec } from './crud.ts';

export const jobSpec: EntitySpec<Job, JobFilter, 'jobs'> = {
  table: 'jobs',
  kind: 'job',
  toRow: (j, json) => ({
    id: j.id,
    type: j.type,
    key: j.key,
    state: j.state,
    payload: json.encode(j.payload),
    progress: json.encode(j.progress),
    attempts: j.attempts,
    run_at: j.runAt,
    locked_by: j.lockedBy,
    locked_until: j.lockedUntil,
    last_error: j.lastError,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
  }),
  fromRow: (r, json) => ({
    id: r.id,
    type: r.type,
    key: r.key,
    state: r.state as Job['state'],
    payload: json.decode(r.payload),
    progress: json.decode(r.progress),
    attempts: Number(r.attempts),
    runAt: r.run_at,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }),
  filter: (q, f) => whereEquals(q, 'jobs', [['type', f.type], ['state', f.state], ['key', f.key]]),
};

export function jobRepository(ctx: StoreContext): JobRepository {
  return {
    ...crudRepository(ctx, jobSpec),

    latest: (filter) =>
      ctx.read(async (db) => {
        const query = jobSpec.filter(db.selectFrom('jobs').selectAll('jobs') as AnySelect, filter);
        const row = await query.orderBy('jobs.created_at', 'desc').orderBy('jobs.id', 'desc').limit(1).executeTakeFirst();
        return row ? jobSpec.fromRow(row, ctx.json) : null;
      }),

    // One UPDATE … WHERE id = (SELECT … LIMIT 1): atomic on SQLite (one statement, one writer); on PostgreSQL the
    // inner SELECT takes FOR UPDATE SKIP LOCKED so concurrent claimers pass over each other's rows.
    claimNext: (owner, now, lockMs, types) => {
      if (types !== undefined && types.length === 0) return Promise.resolve(null);
      return ctx.write(
        async ({ db, dialect, json }) => {
          let next = db
            .selectFrom('jobs')
            .select('id')
            .where('run_at', '<=', now)
            .where((eb) =>
              eb.or([
                eb('state', '=', 'pending'),
                eb.and([eb('state', '=', 'running'), eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)])]),
              ]),
            )
            .orderBy('run_at')
            .orderBy('id')
            .limit(1);
          if (types !== undefined) next = next.where('type', 'in', types);
          if (dialect === 'postgres') next = next.forUpdate().skipLocked();
          const row = await db
            .updateTable('jobs')
            .set({ state: 'running', locked_by: owner, locked_until: now + lockMs, attempts: sql`attempts + 1`, updated_at: now })
            .where('id', '=', next)
            .returningAll()
            .executeTakeFirst();
          return row ? jobSpec.fromRow(row, json) : null;
        },
        { counted: false },
      );
    },
  };
}
