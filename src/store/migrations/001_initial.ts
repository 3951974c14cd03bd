import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import { UNIQUE_CONSTRAINTS } from '../unique-constraints.ts';
import type { StoreDialect } from '../context.ts';

/** Every table of the port. No foreign keys: services own referential rules (and report them with stable codes). */
export function initialMigration(dialect: StoreDialect): Migration {
  const json = dialect === 'postgres' ? sql`jsonb` : sql`text`;
  const real = sql`double precision`;
  const timestamps = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('created_at', 'bigint', (c) => c.notNull()).addColumn('updated_at', 'bigint', (c) => c.notNull());

  return {
    async up(db: Kysely<any>) {
      await timestamps(
        db.schema.createTable('environments')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('default_provider_id', 'text')
          .addColumn('provider_ids', json, (c) => c.notNull())
          .addColumn('settings', json, (c) => c.notNull()),
      ).execute();

      await timestamps(
        db.schema.createTable('providers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('config', json, (c) => c.notNull())
          .addColumn('secret_ciphertext', 'text'),
      ).execute();

      await timestamps(
        db.schema.createTable('apis')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('environment_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('base_path', 'text', (c) => c.notNull())
          .addColumn('upstream_url', 'text', (c) => c.notNull())
          .addColumn('provider_id', 'text')
          .addColumn('policies', json, (c) => c.notNull()),
      ).execute();

      await timestamps(
        db.schema.createTable('tiers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('api_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('limit_requests', 'bigint', (c) => c.notNull())
          .addColumn('limit_window_seconds', 'bigint', (c) => c.notNull())
          .addColumn('approval', 'text', (c) => c.notNull()),
      ).execute();

      await timestamps(
        db.schema.createTable('apps')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('environment_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('owner_contacts', json, (c) => c.notNull())
          .addColumn('owner_subject', 'text')
          .addColumn('provider_id', 'text')
          .addColumn('client_id', 'text')
          .addColumn('registration', json),
      ).execute();

      await timestamps(
        db.schema.createTable('contracts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('app_id', 'text', (c) => c.notNull())
          .addColumn('api_id', 'text', (c) => c.notNull())
          .addColumn('tier_id', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('requested_by', 'text', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('reason', 'text'),
      ).execute();

      await db.schema.createTable('credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('hint', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text')
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('retire_at', 'bigint')
        .addColumn('removed_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .execute();

      await db.schema.createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .execute();

      await timestamps(
        db.schema.createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('payload', json, (c) => c.notNull())
          .addColumn('progress', json, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('run_at', 'bigint', (c) => c.notNull())
          .addColumn('locked_by', 'text')
          .addColumn('locked_until', 'bigint')
          .addColumn('last_error', 'text'),
      ).execute();

      await db.schema.createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('before', json)
        .addColumn('after', json)
        .addColumn('idp_activity', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createTable('usage_rollups')
        .addColumn('minute', 'bigint', (c) => c.notNull())
        .addColumn('api_id', 'text', (c) => c.notNull())
        .addColumn('app_id', 'text', (c) => c.notNull())
        .addColumn('status_class', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('latency_sum_ms', real, (c) => c.notNull())
        .addColumn('latency_max_ms', real, (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_rollups_pk', ['minute', 'api_id', 'app_id', 'status_class'])
        .execute();

      await db.schema.createTable('app_activity')
        .addColumn('app_id', 'text', (c) => c.primaryKey())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('source_addresses', json, (c) => c.notNull())
        .execute();

      await db.schema.createTable('meta')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .addColumn('text_value', 'text')
        .execute();
      await db.insertInto('meta').values([
        { name: 'change_counter', value: 0, text_value: null },
        { name: 'audit_head', value: 0, text_value: '0'.repeat(64) },
      ]).execute();

      for (const u of UNIQUE_CONSTRAINTS) {
        const columns = sql.join(u.columns.map((c) => sql.ref(c)));
        const where = u.where ? sql` where ${sql.raw(u.where)}` : sql``;
        await sql`create unique index ${sql.ref(u.index)} on ${sql.table(u.table)} (${columns})${where}`.execute(db);
      }

      const indexes: [string, string, string[]][] = [
        ['apis_environment_idx', 'apis', ['environment_id']],
        ['tiers_api_idx', 'tiers', ['api_id']],
        ['apps_owner_subject_idx', 'apps', ['owner_subject']],
        ['contracts_app_idx', 'contracts', ['app_id']],
        ['contracts_api_idx', 'contracts', ['api_id']],
        ['credentials_owner_idx', 'credentials', ['owner_type', 'owner_id']],
        ['credentials_expires_idx', 'credentials', ['expires_at']],
        ['api_tokens_subject_idx', 'api_tokens', ['subject']],
        ['jobs_due_idx', 'jobs', ['state', 'run_at']],
        ['audit_events_seq_idx', 'audit_events', ['seq']],
        ['audit_events_entity_idx', 'audit_events', ['entity_type', 'entity_id']],
        ['audit_events_at_idx', 'audit_events', ['at']],
        ['usage_rollups_app_idx', 'usage_rollups', ['app_id', 'minute']],
      ];
      for (const [name, table, columns] of indexes) await db.schema.createIndex(name).on(table).columns(columns).execute();
    },
  };
}
