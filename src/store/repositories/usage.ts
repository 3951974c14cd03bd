import { sql } from 'kysely';
import type { AppActivity, UsageRollup } from '../../core/domain.ts';
import type { UsageFilter, UsageRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { decodeCursor, pageLimit, toPage } from '../paging.ts';
import { mergeActivity, mergeRollups } from './usage-merge.ts';

const NO_APP = '';
const BATCH = 200;

type RollupKey = [minute: number, apiId: string, appId: string, statusClass: string];
const isRollupKey = (v: unknown): v is RollupKey =>
  Array.isArray(v) && v.length === 4 && typeof v[0] === 'number' && v.slice(1).every((x) => typeof x === 'string');

/**
 * Usage is bookkeeping written by the gateway's recorder in batches: outside Store.transaction it does not move
 * the change counter. Rollups page by their key (minute, api, app, status class); `from` inclusive, `to` exclusive.
 */
export function usageRepository(ctx: StoreContext): UsageRepository {
  return {
    addRollups: async (rows) => {
      const merged = mergeRollups(rows); // one row per key: PostgreSQL refuses to upsert the same key twice per statement
      if (merged.length === 0) return;
      await ctx.write(
        async ({ db, dialect }) => {
          const max = dialect === 'postgres' ? 'greatest' : 'max';
          for (let i = 0; i < merged.length; i += BATCH) {
            const values = merged.slice(i, i + BATCH).map((r) => ({
              minute: r.minute,
              api_id: r.apiId,
              app_id: r.appId ?? NO_APP,
              status_class: r.statusClass,
              count: r.count,
              latency_sum_ms: r.latencySumMs,
              latency_max_ms: r.latencyMaxMs,
            }));
            await db
              .insertInto('usage_rollups')
              .values(values)
              .onConflict((oc) =>
                oc.columns(['minute', 'api_id', 'app_id', 'status_class']).doUpdateSet({
                  count: sql`usage_rollups.count + excluded.count`,
                  latency_sum_ms: sql`usage_rollups.latency_sum_ms + excluded.latency_sum_ms`,
                  latency_max_ms: sql`${sql.raw(max)}(usage_rollups.latency_max_ms, excluded.latency_max_ms)`,
                }),
              )
              .execute();
          }
        },
        { counted: false },
      );
    },

    touchApps: async (rows) => {
      if (rows.length === 0) return;
      await ctx.write(
        async ({ db, dialect, json }) => {
          // Apps in a fixed order so two concurrent batches lock rows in the same order (no deadlock).
          const byApp = new Map<string, AppActivity[]>();
          for (const r of rows) byApp.set(r.appId, [...(byApp.get(r.appId) ?? []), r]);
          for (const appId of [...byApp.keys()].sort()) {
            await db
              .insertInto('app_activity')
              .values({ app_id: appId, last_seen_at: 0, source_addresses: json.encode([]) })
              .onConflict((oc) => oc.column('app_id').doNothing())
              .execute();
            let current = db.selectFrom('app_activity').selectAll().where('app_id', '=', appId);
            if (dialect === 'postgres') current = current.forUpdate();
            const row = await current.executeTakeFirstOrThrow();
            let activity: AppActivity = { appId, lastSeenAt: row.last_seen_at, sourceAddresses: json.decode(row.source_addresses) };
            for (const incoming of byApp.get(appId)!) activity = mergeActivity(activity, incoming);
            await db
              .updateTable('app_activity')
              .set({ last_seen_at: activity.lastSeenAt, source_addresses: json.encode(activity.sourceAddresses) })
              .where('app_id', '=', appId)
              .execute();
          }
        },
        { counted: false },
      );
    },

    rollups: (filter: UsageFilter = {}, page) =>
      ctx.read(async (db) => {
        const limit = pageLimit(page);
        const after = decodeCursor(page?.cursor, isRollupKey);
        let query = db.selectFrom('usage_rollups').selectAll();
        if (filter.apiId !== undefined) query = query.where('api_id', '=', filter.apiId);
        if (filter.appId !== undefined) query = query.where('app_id', '=', filter.appId);
        if (filter.from !== undefined) query = query.where('minute', '>=', filter.from);
        if (filter.to !== undefined) query = query.where('minute', '<', filter.to);
        if (after !== null) {
          query = query.where((eb) => eb(eb.refTuple('minute', 'api_id', 'app_id', 'status_class'), '>', eb.tuple(...after)));
        }
        const rows = await query.orderBy('minute').orderBy('api_id').orderBy('app_id').orderBy('status_class').limit(limit + 1).execute();
        return toPage(
          rows,
          limit,
          (r): UsageRollup => ({
            minute: r.minute,
            apiId: r.api_id,
            appId: r.app_id === NO_APP ? null : r.app_id,
            statusClass: r.status_class as UsageRollup['statusClass'],
            count: r.count,
            latencySumMs: r.latency_sum_ms,
            latencyMaxMs: r.latency_max_ms,
          }),
          (r): RollupKey => [r.minute, r.api_id, r.app_id, r.status_class],
        );
      }),

    activity: (appId) =>
      ctx.read(async (db) => {
        const row = await db.selectFrom('app_activity').selectAll().where('app_id', '=', appId).executeTakeFirst();
        return row ? { appId, lastSeenAt: row.last_seen_at, sourceAddresses: ctx.json.decode<string[]>(row.source_addresses) } : null;
      }),
  };
}
