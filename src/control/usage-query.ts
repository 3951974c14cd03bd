import type { AppActivity, UsageRollup } from '../core/domain.ts';
import type { Page, PageRequest, UsageFilter } from '../core/ports/store.ts';
import type { Caller, ServiceDeps } from './context.ts';
import { visibleApp } from './visibility.ts';

/** Read side of usage: per-minute rollups and per-app activity, written by the gateway's recorder. */
export class UsageQueryService {
  constructor(private readonly deps: ServiceDeps) {}

  rollups(_caller: Caller, filter: UsageFilter = {}, page?: PageRequest): Promise<Page<UsageRollup>> {
    return this.deps.store.usage.rollups(filter, page);
  }

  /** null lastSeenAt: the app exists but the gateway has not seen it yet. */
  async activity(caller: Caller, appId: string): Promise<AppActivity | { appId: string; lastSeenAt: null; sourceAddresses: string[] }> {
    await visibleApp(this.deps.store, caller, appId);
    return (await this.deps.store.usage.activity(appId)) ?? { appId, lastSeenAt: null, sourceAddresses: [] };
  }
}
