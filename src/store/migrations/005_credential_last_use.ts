import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Where a credential's `last_used_at` comes from: 'gateway' or 'idp' (the IdP's sign-in report, e.g. Entra's
 * credential sign-in activity). Rows that already carry a last use got it from the gateway. A nullable column
 * without a default is a metadata-only change on both dialects.
 */
export const credentialLastUseMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('credentials').addColumn('last_used_source', 'text').execute();
    await sql`update credentials set last_used_source = 'gateway' where last_used_at is not null`.execute(db);
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('credentials').dropColumn('last_used_source').execute();
  },
};
