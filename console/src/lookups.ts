import { get, listAll } from './api.ts';
import type { Api, App, Environment, Page, Tier } from './types.ts';

/** Names for the ids that contracts and credentials carry, fetched once per page render. */
export interface Names {
  app(id: string): string;
  api(id: string): string;
  tier(id: string): string;
  env(id: string): string;
}

export async function loadNames(opts: { tiersOf?: string[] } = {}): Promise<Names> {
  const [apps, apis, envs] = await Promise.all([
    listAll<App>('/v1/apps'),
    listAll<Api>('/v1/apis'),
    listAll<Environment>('/v1/environments').catch(() => ({ items: [] as Environment[], more: false })),
  ]);
  const tierIds = opts.tiersOf ?? apis.items.map((a) => a.id);
  const tiers = (await Promise.all(tierIds.map((id) => get<Page<Tier>>(`/v1/apis/${encodeURIComponent(id)}/tiers?limit=500`).then((p) => p.items, () => [])))).flat();
  const map = <T extends { id: string }>(items: T[], label: (t: T) => string) => new Map(items.map((i) => [i.id, label(i)]));
  const appNames = map(apps.items, (a) => a.name);
  const apiNames = map(apis.items, (a) => `${a.name} ${a.version}`);
  const tierNames = map(tiers, (t) => t.name);
  const envNames = map(envs.items, (e) => e.name);
  return {
    app: (id) => appNames.get(id) ?? id,
    api: (id) => apiNames.get(id) ?? id,
    tier: (id) => tierNames.get(id) ?? id,
    env: (id) => envNames.get(id) ?? id,
  };
}
