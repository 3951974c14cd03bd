import type { Credential } from '../../core/domain.ts';
import { listAll } from '../context.ts';
import type { ReadDeps } from './deps.ts';
import { DAY_MS } from './thresholds.ts';

export const DEFAULT_UNUSED_DAYS = 90;

export interface StaleApp {
  app: { id: string; name: string; environmentId: string; ownerContacts: string[]; createdAt: number };
  /** Last activity at the gateway; null = never seen there. (Its credentials carry their own last use, if any.) */
  lastSeenAt: number | null;
  /** Its live (active or retiring) credentials: what deleting the app would remove. */
  credentials: Omit<Credential, 'secretHash'>[];
}

export interface StaleCredential {
  /** Its `lastUsedSource` says where the evidence comes from: the gateway, or the IdP's sign-in report ('idp'). */
  credential: Omit<Credential, 'secretHash'>;
  appId: string;
  /** The credential's own last use. */
  lastUsedAt: number | null;
}

export interface StaleReport {
  generatedAt: number;
  unusedDays: number;
  /**
   * Apps not seen at the gateway for `unusedDays` (or never, and older than that) whose credentials have not been
   * used in that time either as far as the IdP reports (a client that signs in but calls only other APIs is in use).
   */
  apps: StaleApp[];
  /**
   * Live credentials of otherwise active apps that have not been used for `unusedDays`: only knowable where the
   * credential's own `lastUsedAt` is known — seen at the gateway, or reported by the IdP (Entra's credential sign-in
   * activity), which is per-credential evidence even while the app is busy through another credential. Credentials
   * of stale apps are listed under their app instead.
   */
  credentials: StaleCredential[];
}

/**
 * Clients nobody uses: from the gateway's usage activity and each credential's own last use. Backs `GET /v1/reports/stale-clients?unusedFor=P90D`
 * and `gatehouse app stale --unused-for 90d`.
 */
export async function staleClientReport(deps: ReadDeps, options: { unusedDays?: number; environmentId?: string } = {}): Promise<StaleReport> {
  const unusedDays = options.unusedDays ?? DEFAULT_UNUSED_DAYS;
  const now = deps.clock.now();
  const cutoff = now - unusedDays * DAY_MS;
  const { store } = deps;
  const apps = await listAll((p) => store.apps.list(options.environmentId ? { environmentId: options.environmentId } : {}, p));
  const report: StaleReport = { generatedAt: now, unusedDays, apps: [], credentials: [] };

  for (const app of apps) {
    const lastSeenAt = (await store.usage.activity(app.id))?.lastSeenAt ?? null;
    const live = await listAll((p) => store.credentials.list({ ownerType: 'app', ownerId: app.id, states: ['active', 'retiring'] }, p));
    const visible = live.map(({ secretHash: _h, ...c }) => c);
    const lastUse = Math.max(lastSeenAt ?? -Infinity, ...visible.map((c) => c.lastUsedAt ?? -Infinity));
    const appStale = Number.isFinite(lastUse) ? lastUse <= cutoff : app.createdAt <= cutoff;
    if (appStale) {
      report.apps.push({
        app: { id: app.id, name: app.name, environmentId: app.environmentId, ownerContacts: app.ownerContacts, createdAt: app.createdAt },
        lastSeenAt,
        credentials: visible,
      });
      continue;
    }
    for (const credential of visible) {
      if (credential.lastUsedAt === null) continue; // not tracked per credential: the app's activity says it is in use
      if (credential.lastUsedAt <= cutoff && credential.createdAt <= cutoff) {
        report.credentials.push({ credential, appId: app.id, lastUsedAt: credential.lastUsedAt });
      }
    }
  }
  report.apps.sort((a, b) => (a.lastSeenAt ?? 0) - (b.lastSeenAt ?? 0) || a.app.id.localeCompare(b.app.id));
  return report;
}
