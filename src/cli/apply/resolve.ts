import type { ApiJson, AppJson, EnvironmentJson, ProviderJson, TierJson } from '../wire.ts';
import type { ApplyDocument } from './schema.ts';
import type { RemoteState } from './state.ts';

/**
 * Names → ids. A name resolves to what the file declares (its id when it already exists, else a `Ref` that the
 * executor fills in once the item is created), or else to what Gatehouse already holds: a file may point at
 * things it does not manage (the sandbox environment, an app some team created by hand).
 */
export class Ref {
  constructor(readonly key: string) {}
}
export type IdOrRef = string | Ref;

export const keys = {
  environment: (env: string) => JSON.stringify(['environment', env]),
  api: (env: string, name: string, version: string) => JSON.stringify(['api', env, name, version]),
  tier: (apiKey: string, name: string) => JSON.stringify(['tier', apiKey, name]),
  app: (env: string, name: string) => JSON.stringify(['app', env, name]),
};

/** A name that resolves to nothing, or to more than one thing. */
export class Miss {
  constructor(
    readonly code: 'UNRESOLVED_REFERENCE' | 'AMBIGUOUS_REFERENCE',
    readonly message: string,
  ) {}
}

export interface ResolvedApi {
  key: string;
  name: string;
  version: string;
  id: IdOrRef;
  existing: ApiJson | undefined;
}

export class Names {
  private readonly envByName: Map<string, EnvironmentJson>;
  private readonly providerByName: Map<string, ProviderJson>;
  private readonly providerNameById: Map<string, string>;
  private readonly fileEnvs: Set<string>;
  private readonly fileApis: ApplyDocument['apis'];
  private readonly fileTiers: Set<string>;
  private readonly fileApps: Set<string>;

  constructor(doc: ApplyDocument, private readonly remote: RemoteState) {
    this.envByName = new Map(remote.environments.map((e) => [e.name, e]));
    this.providerByName = new Map(remote.providers.map((p) => [p.name, p]));
    this.providerNameById = new Map(remote.providers.map((p) => [p.id, p.name]));
    this.fileEnvs = new Set(doc.environments.map((e) => e.name));
    this.fileApis = doc.apis;
    this.fileApps = new Set(doc.apps.map((a) => keys.app(a.environment, a.name)));
    // Tiers are keyed after their API resolves; the set is filled lazily in tierDeclared.
    this.fileTiers = new Set();
  }

  existingEnv(name: string): EnvironmentJson | undefined {
    return this.envByName.get(name);
  }

  existingApi(env: string, name: string, version: string): ApiJson | undefined {
    const envId = this.envByName.get(env)?.id;
    return envId ? this.remote.apis.find((a) => a.environmentId === envId && a.name === name && a.version === version) : undefined;
  }

  existingApp(env: string, name: string): AppJson | undefined {
    const envId = this.envByName.get(env)?.id;
    return envId ? this.remote.apps.find((a) => a.environmentId === envId && a.name === name) : undefined;
  }

  existingTier(api: ResolvedApi, name: string): TierJson | undefined {
    return api.existing ? this.remote.tiersByApi.get(api.existing.id)?.find((t) => t.name === name) : undefined;
  }

  provider(name: string): ProviderJson | Miss {
    return this.providerByName.get(name) ?? new Miss('UNRESOLVED_REFERENCE',
      `no provider named "${name}" in Gatehouse (apply references providers by name and never creates them: add it with \`gatehouse provider create\`)`);
  }

  providerName(id: string | null): string | null {
    return id === null ? null : (this.providerNameById.get(id) ?? id);
  }

  env(name: string): IdOrRef | Miss {
    const existing = this.envByName.get(name);
    if (existing) return existing.id;
    if (this.fileEnvs.has(name)) return new Ref(keys.environment(name));
    return new Miss('UNRESOLVED_REFERENCE', `no environment named "${name}" in the file or in Gatehouse`);
  }

  /** Without a version, the name must pick one API: among the file's first, else among Gatehouse's. */
  api(env: string, name: string, version: string | undefined): ResolvedApi | Miss {
    const envId = this.envByName.get(env)?.id;
    const existing = envId ? this.remote.apis.filter((a) => a.environmentId === envId && a.name === name) : [];
    const declared = this.fileApis.filter((a) => a.environment === env && a.name === name).map((a) => a.version);
    let picked = version;
    if (picked === undefined) {
      const versions = declared.length ? declared : existing.map((a) => a.version);
      if (versions.length > 1) {
        return new Miss('AMBIGUOUS_REFERENCE', `API "${name}" in ${env} has versions ${versions.join(', ')}: add apiVersion to say which`);
      }
      picked = versions[0];
    }
    const found = existing.find((a) => a.version === picked);
    if (picked === undefined || (!found && !declared.includes(picked))) {
      const what = version === undefined ? `API "${name}"` : `API "${name}" version ${version}`;
      return new Miss('UNRESOLVED_REFERENCE', `no ${what} in environment ${env}, in the file or in Gatehouse`);
    }
    const key = keys.api(env, name, picked);
    return { key, name, version: picked, id: found ? found.id : new Ref(key), existing: found };
  }

  declareTier(api: ResolvedApi, name: string): void {
    this.fileTiers.add(keys.tier(api.key, name));
  }

  tier(api: ResolvedApi, name: string): { id: IdOrRef; existing: TierJson | undefined } | Miss {
    const existing = this.existingTier(api, name);
    if (existing) return { id: existing.id, existing };
    const key = keys.tier(api.key, name);
    if (this.fileTiers.has(key)) return { id: new Ref(key), existing: undefined };
    return new Miss('UNRESOLVED_REFERENCE', `API ${api.name} ${api.version} has no tier named "${name}", in the file or in Gatehouse`);
  }

  app(env: string, name: string): { id: IdOrRef; existing: AppJson | undefined } | Miss {
    const existing = this.existingApp(env, name);
    if (existing) return { id: existing.id, existing };
    if (this.fileApps.has(keys.app(env, name))) return { id: new Ref(keys.app(env, name)), existing: undefined };
    return new Miss('UNRESOLVED_REFERENCE', `no app named "${name}" in environment ${env}, in the file or in Gatehouse`);
  }
}

