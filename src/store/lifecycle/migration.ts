import type { Kysely, Migration } from 'kysely';

/**
 * The lifecycle tables. Registered after the store's own migrations (it references no other table, so it
 * can run in any order relative to them). Dialect-neutral: bigint/integer/text only.
 */
export const lifecycleMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('lifecycle_alerts')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('credential_id', 'text', (c) => c.notNull())
      .addColumn('threshold_days', 'integer', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addUniqueConstraint('lifecycle_alerts_once', ['credential_id', 'threshold_days', 'channel'])
      .execute();
    await db.schema
      .createIndex('lifecycle_alerts_due')
      .ifNotExists()
      .on('lifecycle_alerts')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('lifecycle_delivery_attempts')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('lifecycle_delivery_attempts_alert')
      .ifNotExists()
      .on('lifecycle_delivery_attempts')
      .column('alert_id')
      .execute();

    await db.schema
      .createTable('lifecycle_leases')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('lifecycle_secret_deliveries')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('credential_id', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('fetched_at', 'bigint')
      .execute();
  },

  async down(db: Kysely<any>) {
    for (const table of ['lifecycle_secret_deliveries', 'lifecycle_leases', 'lifecycle_delivery_attempts', 'lifecycle_alerts']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
