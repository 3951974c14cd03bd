import type { ManagementClient } from '../client.ts';
import { seg } from '../options.ts';
import type { ApiJson, AppJson, ContractJson, EnvironmentJson, ProviderJson, TierJson } from '../wire.ts';
import type { ApplyDocument } from './schema.ts';

/**
 * What Gatehouse holds now, as far as the file can touch it, read through the management API (never the store).
 * The API filters by id, not name, so names are matched here over full lists: providers, environments and APIs
 * (all of them: base paths are global), tiers of the APIs and apps of the environments the file names, and the
 * contracts of the apps it names.
 */
export interface RemoteState {
  providers: ProviderJson[];
  environments: EnvironmentJson[];
  apis: ApiJson[];
  tiersByApi: Map<string, TierJson[]>;
  apps: AppJson[];
  contractsByApp: Map<string, ContractJson[]>;
}

export async function readRemoteState(client: ManagementClient, doc: ApplyDocument): Promise<RemoteState> {
  const [providers, environments, apis] = await Promise.all([
    client.all<ProviderJson>('/v1/providers'),
    client.all<EnvironmentJson>('/v1/environments'),
    client.all<ApiJson>('/v1/apis'),
  ]);
  const envNames = new Set([
    ...doc.environments.map((e) => e.name), ...doc.apis.map((a) => a.environment), ...doc.tiers.map((t) => t.environment),
    ...doc.apps.map((a) => a.environment), ...doc.contracts.map((c) => c.environment),
  ]);
  const envIds = new Set(environments.items.filter((e) => envNames.has(e.name)).map((e) => e.id));

  const apisInScope = apis.items.filter((a) => envIds.has(a.environmentId));
  const [tierLists, appLists] = await Promise.all([
    Promise.all(apisInScope.map((a) => client.all<TierJson>(`/v1/apis/${seg(a.id)}/tiers`))),
    Promise.all([...envIds].map((id) => client.all<AppJson>('/v1/apps', { environmentId: id }))),
  ]);
  const apps = appLists.flatMap((page) => page.items);

  const envNameOf = new Map(environments.items.map((e) => [e.id, e.name]));
  const appNames = new Set([...doc.apps.map((a) => `${a.environment}\n${a.name}`), ...doc.contracts.map((c) => `${c.environment}\n${c.app}`)]);
  const named = apps.filter((a) => appNames.has(`${envNameOf.get(a.environmentId)}\n${a.name}`));
  const contractLists = await Promise.all(named.map((a) => client.all<ContractJson>('/v1/contracts', { appId: a.id })));

  return {
    providers: providers.items,
    environments: environments.items,
    apis: apis.items,
    tiersByApi: new Map(apisInScope.map((a, i) => [a.id, tierLists[i]!.items])),
    apps,
    contractsByApp: new Map(named.map((a, i) => [a.id, contractLists[i]!.items])),
  };
}
