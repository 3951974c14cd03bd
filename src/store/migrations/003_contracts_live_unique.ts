import { sql, type Kysely, type Migration } from 'kysely';
import { GatehouseError } from '../../core/errors.ts';

/** At most one live (requested or approved) contract per app and API; finished ones may repeat. */
export const LIVE_CONTRACT_INDEX = 'contracts_live_app_api_uq';

/**
 * The contract service checks for a live contract before inserting one, but on PostgreSQL two requests can both pass
 * the check; this partial unique index makes the second insert fail (contracts repository: CONFLICT). SQLite needed
 * no index (one writer at a time) and gets it anyway, so both dialects refuse the same rows.
 *
 * Duplicates that such a race already left behind are not resolved here (which one to keep is a decision with an
 * audit trail): the migration stops and names them, to be revoked or rejected with the previous version first.
 */
export const contractsLiveUniqueMigration: Migration = {
  async up(db: Kysely<any>) {
    const duplicates = await db.selectFrom('contracts')
      .select(['app_id', 'api_id', sql<number>`count(*)`.as('n')])
      .where('state', 'in', ['requested', 'approved'])
      .groupBy(['app_id', 'api_id'])
      .having(sql`count(*)`, '>', 1)
      .execute();
    if (duplicates.length > 0) {
      const pairs = duplicates.slice(0, 10).map((d) => `app ${d.app_id} / API ${d.api_id}`).join(', ');
      throw new GatehouseError('CONFLICT',
        `${duplicates.length} app/API pair(s) have more than one live contract (${pairs}); revoke or reject the extra ones, then start again.`,
        { duplicates: duplicates.length });
    }
    await sql`create unique index ${sql.ref(LIVE_CONTRACT_INDEX)} on contracts (app_id, api_id) where state in ('requested', 'approved')`.execute(db);
  },
};
