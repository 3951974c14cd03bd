import { sql, type Kysely } from 'kysely';
import type {
  AlertChannelName, AlertKind, AlertRecord, AlertStatus, DeliveryAttempt, LeaseHandle, LifecycleStore, SecretDeliveryRecord,
} from '../../core/ports/lifecycle.ts';
import type { LifecycleAlertsTable, LifecycleDatabase } from './schema.ts';

type Dialect = 'sqlite' | 'postgres';

const num = (v: number | string): number => Number(v);
const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toAlert(r: LifecycleAlertsTable): AlertRecord {
  return {
    id: r.id,
    kind: r.kind as AlertKind,
    credentialId: r.credential_id,
    thresholdDays: Number(r.threshold_days),
    channel: r.channel as AlertChannelName,
    status: r.status as AlertStatus,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    attempts: Number(r.attempts),
    nextAttemptAt: num(r.next_attempt_at),
    lastError: r.last_error,
    createdAt: num(r.created_at),
    sentAt: numOrNull(r.sent_at),
  };
}

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

/** LifecycleStore on the Store's own Kysely instance (pass the same `db`, so both live in one database). */
export function createKyselyLifecycleStore(anyDb: Kysely<any>, dialect: Dialect): LifecycleStore {
  const db = anyDb as Kysely<LifecycleDatabase>;

  async function acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<LeaseHandle | null> {
    const expiresAt = now + ttlMs;
    // Compare-and-set: take it over only if it is ours or has expired.
    const updated = await db
      .updateTable('lifecycle_leases')
      .set({ owner, expires_at: expiresAt, acquired_at: now })
      .where('name', '=', name)
      .where((eb) => eb.or([eb('owner', '=', owner), eb('expires_at', '<=', now)]))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return { name, owner, expiresAt };
    const inserted = await db
      .insertInto('lifecycle_leases')
      .values({ name, owner, expires_at: expiresAt, acquired_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? { name, owner, expiresAt } : null;
  }

  return {
    async claimAlert(alert) {
      const result = await db
        .insertInto('lifecycle_alerts')
        .values({
          id: alert.id,
          kind: alert.kind,
          credential_id: alert.credentialId,
          threshold_days: alert.thresholdDays,
          channel: alert.channel,
          status: alert.status,
          payload: JSON.stringify(alert.payload),
          attempts: alert.attempts,
          next_attempt_at: alert.nextAttemptAt,
          last_error: alert.lastError,
          created_at: alert.createdAt,
          sent_at: alert.sentAt,
        })
        .onConflict((oc) => oc.columns(['credential_id', 'threshold_days', 'channel']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },

    async dueAlerts(now, limit) {
      const rows = await db
        .selectFrom('lifecycle_alerts')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toAlert);
    },

    async updateAlert(alert) {
      await db
        .updateTable('lifecycle_alerts')
        .set({
          status: alert.status,
          attempts: alert.attempts,
          next_attempt_at: alert.nextAttemptAt,
          last_error: alert.lastError,
          sent_at: alert.sentAt,
        })
        .where('id', '=', alert.id)
        .execute();
    },

    async listAlerts(filter = {}) {
      let q = db.selectFrom('lifecycle_alerts').selectAll();
      if (filter.credentialId) q = q.where('credential_id', '=', filter.credentialId);
      if (filter.channel) q = q.where('channel', '=', filter.channel);
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      return (await q.orderBy('created_at').orderBy('id').execute()).map(toAlert);
    },

    async recordAttempt(a) {
      await db
        .insertInto('lifecycle_delivery_attempts')
        .values({
          id: a.id,
          alert_id: a.alertId,
          channel: a.channel,
          attempt: a.attempt,
          at: a.at,
          ok: a.ok ? 1 : 0,
          status_code: a.statusCode,
          error: a.error,
          duration_ms: Math.round(a.durationMs),
        })
        .execute();
    },

    async listAttempts(filter = {}) {
      let q = db.selectFrom('lifecycle_delivery_attempts').selectAll();
      if (filter.alertId) q = q.where('alert_id', '=', filter.alertId);
      if (filter.channel) q = q.where('channel', '=', filter.channel);
      const rows = await q.orderBy('at').orderBy('attempt').execute();
      return rows.map(
        (r): DeliveryAttempt => ({
          id: r.id,
          alertId: r.alert_id,
          channel: r.channel as AlertChannelName,
          attempt: Number(r.attempt),
          at: num(r.at),
          ok: Number(r.ok) === 1,
          statusCode: r.status_code === null ? null : Number(r.status_code),
          error: r.error,
          durationMs: Number(r.duration_ms),
        }),
      );
    },

    acquireLease,

    async releaseLease(name, owner) {
      await db.deleteFrom('lifecycle_leases').where('name', '=', name).where('owner', '=', owner).execute();
    },

    async runExclusive(name, owner, now, ttlMs, fn) {
      // The lease first: a node that does not hold it never touches the advisory lock, so it cannot make the
      // holder miss its turn by holding the lock for a moment.
      if (!(await acquireLease(name, owner, now, ttlMs))) return { ran: false };
      if (dialect === 'sqlite') return { ran: true, result: await fn() };
      // PostgreSQL: also a session advisory lock on one pinned connection for the whole run, so two nodes whose
      // clocks disagree about the lease's expiry still never run at the same time.
      const key = 'gatehouse:' + name;
      return db.connection().execute(async (conn) => {
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(conn);
        if (!rows[0]?.locked) return { ran: false } as const;
        try {
          return { ran: true, result: await fn() } as const;
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
        }
      });
    },

    async insertSecretDelivery(r) {
      try {
        await db
          .insertInto('lifecycle_secret_deliveries')
          .values({
            id: r.id,
            app_id: r.appId,
            credential_id: r.credentialId,
            ciphertext: r.ciphertext,
            created_at: r.createdAt,
            expires_at: r.expiresAt,
            fetched_at: r.fetchedAt,
          })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw new Error(`secret delivery ${r.id} exists`);
        throw e;
      }
    },

    async getSecretDelivery(id) {
      const r = await db.selectFrom('lifecycle_secret_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return {
        id: r.id,
        appId: r.app_id,
        credentialId: r.credential_id,
        ciphertext: r.ciphertext,
        createdAt: num(r.created_at),
        expiresAt: num(r.expires_at),
        fetchedAt: numOrNull(r.fetched_at),
      };
    },

    async consumeSecretDelivery(id, now) {
      const result = await db
        .updateTable('lifecycle_secret_deliveries')
        .set({ fetched_at: now, ciphertext: '' })
        .where('id', '=', id)
        .where('fetched_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async purgeExpiredSecretDeliveries(now) {
      const result = await db
        .updateTable('lifecycle_secret_deliveries')
        .set({ ciphertext: '' })
        .where('expires_at', '<=', now)
        .where('ciphertext', '!=', '')
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
