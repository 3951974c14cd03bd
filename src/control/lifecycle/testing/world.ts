import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../core/clock.ts';
import type { LifecycleStore } from '../../../core/ports/lifecycle.ts';
import type { Store } from '../../../core/ports/store.ts';
import { openStore } from '../../../store/index.ts';
import { openLifecycleStore } from '../../../store/lifecycle/index.ts';
import { createServices, SYSTEM_CALLER, type Services } from '../../index.ts';

/** Test fixture: a store on a SQLite file (so tests can "restart" on it), services, and a local-provider environment. */
export interface LifecycleWorld {
  file: string;
  clock: ManualClock;
  store: Store;
  lifecycleStore: LifecycleStore;
  services: Services;
  envId: string;
  providerId: string;
  /** Opens a second, independent store on the same file (a restarted or second node). */
  reopen(): Promise<{ store: Store; lifecycleStore: LifecycleStore; services: Services }>;
  close(): Promise<void>;
}

export const T0 = Date.UTC(2026, 0, 1, 9);

export async function startWorld(settings: { alertThresholdsDays?: number[] } = {}): Promise<LifecycleWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'gh-lifecycle-'));
  const file = join(dir, 'gatehouse.db');
  const clock = new ManualClock(T0);
  const opened: Store[] = [];
  const open = async () => {
    const store = await openStore({ url: `sqlite:${file}`, clock });
    opened.push(store);
    return { store, lifecycleStore: await openLifecycleStore(store), services: createServices({ store, clock }) };
  };
  const first = await open();
  const provider = await first.services.providers.create(SYSTEM_CALLER, { name: 'local', kind: 'local' });
  const env = await first.services.environments.create(SYSTEM_CALLER, {
    name: 'production',
    defaultProviderId: provider.id,
    providerIds: [provider.id],
    ...(settings.alertThresholdsDays ? { settings: { alertThresholdsDays: settings.alertThresholdsDays } } : {}),
  });
  return {
    file, clock, ...first, envId: env.id, providerId: provider.id,
    reopen: open,
    async close() {
      for (const s of opened) await s.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
