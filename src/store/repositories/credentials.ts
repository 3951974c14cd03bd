import type { Credential, LastUseSource } from '../../core/domain.ts';
import type { CredentialFilter, CredentialRepository } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { crudRepository, whereEquals, type EntitySpec } from './crud.ts';

export const credentialSpec: EntitySpec<Credential, CredentialFilter, 'credentials'> = {
  table: 'credentials',
  kind: 'credential',
  toRow: (c) => ({
    id: c.id,
    owner_type: c.ownerType,
    owner_id: c.ownerId,
    kind: c.kind,
    key_id: c.keyId,
    hint: c.hint,
    secret_hash: c.secretHash,
    origin: c.origin,
    state: c.state,
    created_at: c.createdAt,
    expires_at: c.expiresAt,
    retire_at: c.retireAt,
    removed_at: c.removedAt,
    last_used_at: c.lastUsedAt,
    last_used_source: c.lastUsedAt === null ? null : c.lastUsedSource ?? 'gateway',
  }),
  fromRow: (r) => ({
    id: r.id,
    ownerType: r.owner_type as Credential['ownerType'],
    ownerId: r.owner_id,
    kind: r.kind as Credential['kind'],
    keyId: r.key_id,
    hint: r.hint,
    secretHash: r.secret_hash,
    origin: r.origin as Credential['origin'],
    state: r.state as Credential['state'],
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    retireAt: r.retire_at,
    removedAt: r.removed_at,
    lastUsedAt: r.last_used_at,
    // Only with a last use, so rows that never saw one keep the shape they were written with.
    ...(r.last_used_at !== null ? { lastUsedSource: (r.last_used_source ?? 'gateway') as LastUseSource } : {}),
  }),
  filter: (q, f) => {
    let query = whereEquals(q, 'credentials', [['owner_type', f.ownerType], ['owner_id', f.ownerId]]);
    // An empty list matches nothing (rather than everything): "credentials in none of these states".
    if (f.states !== undefined) {
      query = f.states.length === 0 ? query.where((eb) => eb.val(1), '=', 0) : query.where('credentials.state', 'in', f.states);
    }
    if (f.expiresBefore !== undefined) query = query.where('credentials.expires_at', '<=', f.expiresBefore);
    return query;
  },
};

export const credentialRepository = (ctx: StoreContext): CredentialRepository => ({
  ...crudRepository(ctx, credentialSpec),

  recordLastUse: async (rows) => {
    if (rows.length === 0) return 0;
    // Ids in a fixed order so two concurrent batches lock rows in the same order (no deadlock); per row, one
    // conditional update keeps the newest observation whichever writer commits last.
    const byId = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (Number.isFinite(r.lastUsedAt) && (byId.get(r.credentialId)?.lastUsedAt ?? -Infinity) < r.lastUsedAt) byId.set(r.credentialId, r);
    return ctx.write(async ({ db }) => {
      let changed = 0;
      for (const id of [...byId.keys()].sort()) {
        const r = byId.get(id)!;
        const result = await db.updateTable('credentials')
          .set({ last_used_at: r.lastUsedAt, last_used_source: r.source })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', r.lastUsedAt)]))
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
      return changed;
    }, { counted: false });
  },
});
