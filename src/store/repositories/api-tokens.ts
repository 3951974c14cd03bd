import type { ApiToken } from '../../core/domain.ts';
import type { ApiTokenFilter, ApiTokenRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const apiTokenSpec: EntitySpec<ApiToken, ApiTokenFilter, 'api_tokens'> = {
  table: 'api_tokens',
  kind: 'API token',
  toRow: (t) => ({
    id: t.id,
    name: t.name,
    role: t.role,
    subject: t.subject,
    token_hash: t.tokenHash,
    created_at: t.createdAt,
    expires_at: t.expiresAt,
    revoked_at: t.revokedAt,
    last_used_at: t.lastUsedAt,
  }),
  fromRow: (r) => ({
    id: r.id,
    name: r.name,
    role: r.role as ApiToken['role'],
    subject: r.subject,
    tokenHash: r.token_hash,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }),
  filter: (q, f) => whereEquals(q, 'api_tokens', [['subject', f.subject]]),
};

export function apiTokenRepository(ctx: StoreContext): ApiTokenRepository {
  return {
    ...crudRepository(ctx, apiTokenSpec),
    getByHash: (tokenHash) =>
      ctx.read(async (db) => {
        const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        return row ? apiTokenSpec.fromRow(row, ctx.json) : null;
      }),
    recordLastUse: (id, at) =>
      ctx.write(async ({ db }) => {
        const result = await db.updateTable('api_tokens')
          .set({ last_used_at: at })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      }, { counted: false }),
  };
}
