import type { Store } from '../core/ports/store.ts';
import type { NotificationChannel } from './channel.ts';
import { delivered } from './channel.ts';

export const SYSTEM_ACTOR = 'system:lifecycle';

/**
 * Records the notification in the audit log (`after` = its data plus its id). Idempotent: when an event with the
 * same notification id already exists for the entity (a crash between append and ledger update), it is not
 * appended again.
 */
export function auditChannel(store: Store): NotificationChannel {
  return {
    name: 'audit',
    async deliver(n, now) {
      const audit = n.audit;
      if (!audit) return delivered;
      await store.transaction(async (tx) => {
        const existing = await tx.audit.list({ entityType: audit.entityType, entityId: audit.entityId, type: audit.type }, { limit: 500 });
        if (existing.items.some((e) => (e.after as { notificationId?: string } | null)?.notificationId === n.id)) return;
        await tx.audit.append({
          type: audit.type,
          entityType: audit.entityType,
          entityId: audit.entityId,
          actor: SYSTEM_ACTOR,
          at: now,
          before: null,
          after: { notificationId: n.id, ...n.data },
          idpActivity: null,
        });
      });
      return delivered;
    },
  };
}
