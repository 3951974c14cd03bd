import type { Kysely, Migration } from 'kysely';

/**
 * The alert ledger also carries rotation notices (a scheduled rotation tells the app's owner where to fetch the new
 * secret), so each row says which it is; rows written before are expiry alerts. The unique key stays
 * (credential, threshold, channel): a rotation notice is keyed on the NEW credential with threshold 0, which no
 * expiry alert uses (thresholds are whole days, at least 1), so the two never collide. Adding a column with a
 * default is a metadata-only change on both dialects: no table rebuild, no lock on a busy ledger.
 */
export const alertKindMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('lifecycle_alerts').addColumn('kind', 'text', (c) => c.notNull().defaultTo('expiry')).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('lifecycle_alerts').dropColumn('kind').execute();
  },
};
