import type { Kysely, Migration } from 'kysely';

/**
 * Jobs are looked up by (type, key): enqueueing checks for an unfinished job of the key, and `jobs.latest` reads the
 * newest one (scheduled reconciles, onboarding status). Without an index both scan the whole history, which grows
 * with every onboarding and every scheduled run.
 */
export const jobsTypeKeyIndexMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('jobs_type_key_created_idx').on('jobs').columns(['type', 'key', 'created_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('jobs_type_key_created_idx').execute();
  },
};
