import type { Page, PageRequest, Store } from '../../core/ports/store.ts';
import type { SnapshotData } from './snapshot.ts';

/** The store calls the loader needs; anything implementing them (a real Store, a test double) will do. */
export type SnapshotSource = Pick<Store, 'changeCounter' | 'environments' | 'apis' | 'tiers' | 'apps' | 'contracts' | 'credentials'>;

/**
 * Reads everything the gateway needs, paging through each list. The change counter is read first: a write that
 * lands while we read moves the counter past `version`, so the next poll reloads and nothing is missed.
 */
export async function loadSnapshotData(store: SnapshotSource): Promise<SnapshotData> {
  const version = await store.changeCounter();
  const [environments, apis, tiers, apps, contracts, credentials] = await Promise.all([
    all((p) => store.environments.list({}, p)),
    all((p) => store.apis.list({}, p)),
    all((p) => store.tiers.list({}, p)),
    all((p) => store.apps.list({}, p)),
    all((p) => store.contracts.list({ state: 'approved' }, p)),
    all((p) => store.credentials.list({ ownerType: 'app', states: ['active', 'retiring'] }, p)),
  ]);
  return { version, environments, apis, tiers, apps, contracts, credentials };
}

async function all<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list({ limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}
