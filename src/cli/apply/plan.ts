import type { ContractJson } from '../wire.ts';
import { basePathsOverlap } from '../../control/paths.ts';
import { created, Diff, sameSet, type FieldChange } from './diff.ts';
import { LIVE, notInFile } from './not-in-file.ts';
import { keys, Miss, Names, type Ref } from './resolve.ts';
import type { ApiSpec, AppSpec, ApplyDocument, ContractSpec, EnvironmentSpec, Problem, TierSpec } from './schema.ts';
import type { RemoteState } from './state.ts';

/**
 * File + current state → what apply would do, item by item, in dependency order (environments, APIs, tiers, apps,
 * contracts). Pure: reads nothing, writes nothing. Everything that would make apply stop halfway for a reason
 * knowable now (a name that resolves to nothing, a field the API cannot change, a base path another API holds)
 * is a problem, and any problem means nothing is written.
 */
export type Kind = 'environment' | 'api' | 'tier' | 'app' | 'contract';
export type Action = 'create' | 'update' | 'unchanged';

/** One API call; `Ref`s in the path or body are ids of items created earlier in the same run. */
export interface Write {
  method: 'POST' | 'PATCH';
  path: (string | Ref)[];
  body: Record<string, unknown>;
  /** Contracts: a manual tier leaves a new contract requested; apply's desired state is approved. */
  approveIfRequested?: boolean;
}

export interface PlanItem {
  kind: Kind;
  label: string;
  /** Where in the file, e.g. `apis.0`. */
  path: string;
  action: Action;
  id: string | null;
  /** What a later item's `Ref` to this one is called. */
  ref: string | null;
  changes: FieldChange[];
  note?: string;
  writes: Write[];
}

export interface Plan {
  items: PlanItem[];
  notInFile: { kind: Kind; label: string; id: string }[];
}

export type PlanProblem = Problem & { code: string };

export function computePlan(doc: ApplyDocument, remote: RemoteState): { plan: Plan; problems: PlanProblem[] } {
  return new Planner(doc, remote).run();
}

class Planner {
  private readonly names: Names;
  private readonly items: PlanItem[] = [];
  private readonly problems: PlanProblem[] = [];
  /** Existing ids the file declares: whatever is left in scope is "not in file". */
  private readonly claimed = new Set<string>();

  constructor(private readonly doc: ApplyDocument, private readonly remote: RemoteState) {
    this.names = new Names(doc, remote);
  }

  run(): { plan: Plan; problems: PlanProblem[] } {
    this.doc.environments.forEach((spec, i) => this.environment(spec, `environments.${i}`));
    this.doc.apis.forEach((spec, i) => this.api(spec, `apis.${i}`));
    this.basePaths();
    this.doc.tiers.forEach((spec, i) => this.tier(spec, `tiers.${i}`));
    this.doc.apps.forEach((spec, i) => this.app(spec, `apps.${i}`));
    this.doc.contracts.forEach((spec, i) => this.contract(spec, `contracts.${i}`));
    return { plan: { items: this.items, notInFile: notInFile(this.doc, this.remote, this.items, this.claimed) }, problems: this.problems };
  }

  private problem(path: string, code: string, message: string): void {
    this.problems.push({ path, code, message });
  }

  /** The value, or undefined after recording why it could not be resolved. */
  private resolved<T>(value: T | Miss, path: string): T | undefined {
    if (value instanceof Miss) {
      this.problem(path, value.code, value.message);
      return undefined;
    }
    return value;
  }

  private providerId(name: string | null | undefined, path: string): string | null | undefined | Miss {
    if (name === undefined || name === null) return name;
    const provider = this.resolved(this.names.provider(name), path);
    return provider ? provider.id : new Miss('UNRESOLVED_REFERENCE', '');
  }

  private push(item: Omit<PlanItem, 'action' | 'writes'> & { write: Write | null; create: boolean }): void {
    const { write, create, ...rest } = item;
    if (rest.id) this.claimed.add(rest.id);
    const action: Action = create ? 'create' : write ? 'update' : 'unchanged';
    this.items.push({ ...rest, action, writes: write ? [write] : [] });
  }

  private environment(spec: EnvironmentSpec, path: string): void {
    const defaultProviderId = this.providerId(spec.defaultProvider, `${path}.defaultProvider`);
    const providerIds = spec.providers?.map((p, i) => this.providerId(p, `${path}.providers.${i}`));
    if (defaultProviderId instanceof Miss || providerIds?.some((p) => p instanceof Miss)) return;
    const ids = providerIds as string[] | undefined;
    const settings = spec.settings && {
      ...spec.settings,
      ...(spec.settings.alertThresholdsDays && { alertThresholdsDays: thresholds(spec.settings.alertThresholdsDays) }),
    };
    const x = this.names.existingEnv(spec.name);
    const label = spec.name;
    const ref = keys.environment(spec.name);
    if (!x) {
      const body = { name: spec.name, description: spec.description, settings, defaultProviderId, providerIds: ids };
      this.push({
        kind: 'environment', label, path, id: null, ref, create: true, write: { method: 'POST', path: ['/v1/environments'], body },
        changes: created({ description: spec.description, ...prefixed('settings', settings), defaultProvider: spec.defaultProvider, providers: spec.providers }),
      });
      return;
    }
    const diff = new Diff();
    const patch: Record<string, unknown> = {};
    const settingsPatch: Record<string, unknown> = {};
    if (diff.field('description', x.description, spec.description)) patch.description = spec.description;
    const current = { ...x.settings, autoRotateDaysBeforeExpiry: x.settings.autoRotateDaysBeforeExpiry ?? null };
    for (const [key, value] of Object.entries(settings ?? {})) {
      if (diff.field(`settings.${key}`, current[key as keyof typeof current], value)) settingsPatch[key] = value;
    }
    if (Object.keys(settingsPatch).length) patch.settings = settingsPatch;
    if (diff.field('defaultProvider', this.names.providerName(x.defaultProviderId), spec.defaultProvider)) patch.defaultProviderId = defaultProviderId;
    if (ids) {
      // The API always keeps the default provider in the list, so the file need not repeat it.
      const effectiveDefault = defaultProviderId !== undefined ? defaultProviderId : x.defaultProviderId;
      const desired = [...new Set([...(effectiveDefault ? [effectiveDefault] : []), ...ids])];
      const names = (list: string[]) => list.map((id) => this.names.providerName(id));
      if (diff.field('providers', names(x.providerIds), names(desired), (a: string[], b: string[]) => sameSet(a, b))) patch.providerIds = desired;
    }
    const write: Write | null = diff.changes.length ? { method: 'PATCH', path: ['/v1/environments/', x.id], body: patch } : null;
    this.push({ kind: 'environment', label, path, id: x.id, ref, create: false, write, changes: diff.changes });
  }

  private api(spec: ApiSpec, path: string): void {
    const environmentId = this.resolved(this.names.env(spec.environment), `${path}.environment`);
    const providerId = this.providerId(spec.provider, `${path}.provider`);
    if (environmentId === undefined || providerId instanceof Miss) return;
    const policies = spec.policies?.map((p) => ({ type: p.type, config: p.config ?? {} }));
    const x = this.names.existingApi(spec.environment, spec.name, spec.version);
    const label = `${spec.name} ${spec.version} (${spec.environment})`;
    const ref = keys.api(spec.environment, spec.name, spec.version);
    if (!x) {
      const body = { environmentId, name: spec.name, version: spec.version, basePath: spec.basePath, upstreamUrl: spec.upstreamUrl, providerId, policies };
      this.push({
        kind: 'api', label, path, id: null, ref, create: true, write: { method: 'POST', path: ['/v1/apis'], body },
        changes: created({ basePath: spec.basePath, upstreamUrl: spec.upstreamUrl, provider: spec.provider, policies }),
      });
      return;
    }
    const diff = new Diff();
    const patch: Record<string, unknown> = {};
    if (diff.field('basePath', x.basePath, spec.basePath)) patch.basePath = spec.basePath;
    if (diff.field('upstreamUrl', x.upstreamUrl, spec.upstreamUrl)) patch.upstreamUrl = spec.upstreamUrl;
    if (diff.field('provider', this.names.providerName(x.providerId), spec.provider)) patch.providerId = providerId;
    if (diff.field('policies', x.policies, policies)) patch.policies = policies;
    const write: Write | null = diff.changes.length ? { method: 'PATCH', path: ['/v1/apis/', x.id], body: patch } : null;
    this.push({ kind: 'api', label, path, id: x.id, ref, create: false, write, changes: diff.changes });
  }

  /** Base paths are global: check the state after apply, so a conflict stops the run before its first write. */
  private basePaths(): void {
    const declared = new Map(this.doc.apis.map((spec, i) => [i, spec]));
    const declaredIds = new Set(this.doc.apis.map((s) => this.names.existingApi(s.environment, s.name, s.version)?.id).filter(Boolean));
    const others: { basePath: string; what: string }[] = this.remote.apis
      .filter((a) => !declaredIds.has(a.id))
      .map((a) => ({ basePath: a.basePath, what: `API ${a.name} ${a.version} (${a.id})` }));
    for (const [i, spec] of declared) {
      const rivals = [
        ...others,
        ...[...declared].filter(([j]) => j < i).map(([j, s]) => ({ basePath: s.basePath, what: `apis.${j} (${s.name} ${s.version})` })),
      ];
      const clash = rivals.find((r) => basePathsOverlap(r.basePath, spec.basePath));
      if (clash) {
        const how = clash.basePath === spec.basePath ? 'is also the base path of' : `overlaps ${clash.basePath} of`;
        this.problem(`apis.${i}.basePath`, 'BASE_PATH_CONFLICT', `${spec.basePath} ${how} ${clash.what}`);
      }
    }
  }

  private tier(spec: TierSpec, path: string): void {
    const api = this.resolved(this.names.api(spec.environment, spec.api, spec.apiVersion), `${path}.api`);
    if (!api) return;
    this.names.declareTier(api, spec.name);
    const x = this.names.existingTier(api, spec.name);
    const label = `${spec.name} on ${api.name} ${api.version} (${spec.environment})`;
    const ref = keys.tier(api.key, spec.name);
    if (!x) {
      const body = { name: spec.name, limit: spec.limit, approval: spec.approval };
      this.push({
        kind: 'tier', label, path, id: null, ref, create: true, write: { method: 'POST', path: ['/v1/apis/', api.id, '/tiers'], body },
        changes: created({ 'limit.requests': spec.limit.requests, 'limit.windowSeconds': spec.limit.windowSeconds, approval: spec.approval }),
      });
      return;
    }
    const diff = new Diff();
    const patch: Record<string, unknown> = {};
    const limitChanged = [
      diff.field('limit.requests', x.limit.requests, spec.limit.requests),
      diff.field('limit.windowSeconds', x.limit.windowSeconds, spec.limit.windowSeconds),
    ].some(Boolean);
    if (limitChanged) patch.limit = spec.limit;
    if (diff.field('approval', x.approval, spec.approval)) patch.approval = spec.approval;
    const write: Write | null = diff.changes.length ? { method: 'PATCH', path: ['/v1/tiers/', x.id], body: patch } : null;
    this.push({ kind: 'tier', label, path, id: x.id, ref, create: false, write, changes: diff.changes });
  }

  private app(spec: AppSpec, path: string): void {
    const environmentId = this.resolved(this.names.env(spec.environment), `${path}.environment`);
    const providerId = this.providerId(spec.provider, `${path}.provider`);
    if (environmentId === undefined || providerId instanceof Miss) return;
    const x = this.names.existingApp(spec.environment, spec.name);
    const label = `${spec.name} (${spec.environment})`;
    const ref = keys.app(spec.environment, spec.name);
    if (!x) {
      const body = { environmentId, name: spec.name, description: spec.description, ownerContacts: spec.ownerContacts, providerId, ownerSubject: spec.ownerSubject };
      this.push({
        kind: 'app', label, path, id: null, ref, create: true, write: { method: 'POST', path: ['/v1/apps'], body },
        changes: created({ description: spec.description, ownerContacts: spec.ownerContacts, provider: spec.provider, ownerSubject: spec.ownerSubject }),
      });
      return;
    }
    // The API has no way to move an app to another provider (its registration lives there) or to another owner.
    const env = this.names.existingEnv(spec.environment)!;
    const currentProvider = x.providerId ?? env.defaultProviderId;
    if (providerId && providerId !== currentProvider) {
      this.problem(`${path}.provider`, 'IMMUTABLE_FIELD',
        `app ${label} is registered with provider "${this.names.providerName(currentProvider)}", and an app's provider cannot change; ` +
        `keep provider: ${this.names.providerName(currentProvider)} in the file, or delete the app (gatehouse app delete ${x.id}) and apply again`);
    }
    if (spec.ownerSubject !== undefined && spec.ownerSubject !== x.ownerSubject) {
      this.problem(`${path}.ownerSubject`, 'IMMUTABLE_FIELD',
        `app ${label} is owned by ${x.ownerSubject === null ? 'no subject' : `"${x.ownerSubject}"`}, and an app's owner subject cannot change; ` +
        'change the file to match, or delete the app and apply again');
    }
    const diff = new Diff();
    const patch: Record<string, unknown> = {};
    if (diff.field('description', x.description, spec.description)) patch.description = spec.description;
    if (diff.field('ownerContacts', x.ownerContacts, spec.ownerContacts)) patch.ownerContacts = spec.ownerContacts;
    const write: Write | null = diff.changes.length ? { method: 'PATCH', path: ['/v1/apps/', x.id], body: patch } : null;
    this.push({ kind: 'app', label, path, id: x.id, ref, create: false, write, changes: diff.changes });
  }

  private contract(spec: ContractSpec, path: string): void {
    const app = this.resolved(this.names.app(spec.environment, spec.app), `${path}.app`);
    const api = this.resolved(this.names.api(spec.environment, spec.api, spec.apiVersion), `${path}.api`);
    const tier = api && this.resolved(this.names.tier(api, spec.tier), `${path}.tier`);
    if (!app || !api || !tier) return;
    const label = `${spec.app} → ${api.name} ${api.version} (${spec.environment})`;
    const history = app.existing && api.existing ? this.contractsOf(app.existing.id, api.existing.id) : [];
    const live = history.find((c) => LIVE.has(c.state));
    if (!live) {
      const last = history.at(-1);
      const body = { appId: app.id, apiId: api.id, tierId: tier.id };
      this.push({
        kind: 'contract', label, path, id: null, ref: null, create: true,
        write: { method: 'POST', path: ['/v1/contracts'], body, approveIfRequested: true },
        changes: created({ tier: spec.tier, state: 'approved' }),
        ...(last && { note: `access is granted again: the previous contract ${last.id} was ${last.state}` }),
      });
      return;
    }
    if (live.tierId !== tier.id) {
      const verb = live.state === 'approved' ? 'revoke' : 'reject';
      const currentTier = this.remote.tiersByApi.get(live.apiId)?.find((t) => t.id === live.tierId)?.name ?? live.tierId;
      this.problem(`${path}.tier`, 'IMMUTABLE_FIELD',
        `contract ${live.id} (${label}) is ${live.state} on tier ${currentTier}, and a contract's tier cannot change; ` +
        `${verb} it (gatehouse contract ${verb} ${live.id}) and apply again to request tier ${spec.tier}`);
    }
    const changes: FieldChange[] = live.state === 'approved' ? [] : [{ field: 'state', from: live.state, to: 'approved' }];
    const write: Write | null = changes.length ? { method: 'POST', path: ['/v1/contracts/', live.id, '/approve'], body: {} } : null;
    this.push({ kind: 'contract', label, path, id: live.id, ref: null, create: false, write, changes });
  }

  private contractsOf(appId: string, apiId: string): ContractJson[] {
    return (this.remote.contractsByApp.get(appId) ?? [])
      .filter((c) => c.apiId === apiId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}

/** As the API stores them: each once, largest first; so [7, 30] in the file matches [30, 7] in Gatehouse. */
function thresholds(days: number[]): number[] {
  return [...new Set(days)].sort((a, b) => b - a);
}

function prefixed(prefix: string, fields: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [`${prefix}.${k}`, v]));
}
