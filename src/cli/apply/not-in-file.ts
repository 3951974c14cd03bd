import type { ApiJson } from '../wire.ts';
import type { Plan, PlanItem } from './plan.ts';
import type { ApplyDocument } from './schema.ts';
import type { RemoteState } from './state.ts';

/** Contract states that still grant (or are asking for) access. */
export const LIVE = new Set(['requested', 'approved']);

/**
 * Things the file could manage but does not mention: every environment; the APIs and apps of the environments
 * it declares; the tiers of the APIs it declares; the live contracts of the apps it declares. Reported, left alone
 * (apply has no --prune: see docs/apply.md). `claimed` holds the ids of existing items the file declares.
 */
export function notInFile(doc: ApplyDocument, remote: RemoteState, items: PlanItem[], claimed: Set<string>): Plan['notInFile'] {
  const envName = new Map(remote.environments.map((e) => [e.id, e.name]));
  const declaredEnvs = new Set(remote.environments.filter((e) => doc.environments.some((s) => s.name === e.name)).map((e) => e.id));
  const declared = (kind: PlanItem['kind']) => items.filter((i) => i.kind === kind && i.id).map((i) => i.id!);
  const apiById = new Map(remote.apis.map((a) => [a.id, a]));
  const apiLabel = (a: ApiJson) => `${a.name} ${a.version} (${envName.get(a.environmentId)})`;
  const unclaimed = <T extends { id: string }>(list: T[]) => list.filter((x) => !claimed.has(x.id));
  const out: Plan['notInFile'] = [];

  for (const e of unclaimed(remote.environments)) out.push({ kind: 'environment', label: e.name, id: e.id });
  for (const a of unclaimed(remote.apis.filter((a) => declaredEnvs.has(a.environmentId)))) out.push({ kind: 'api', label: apiLabel(a), id: a.id });
  for (const apiId of declared('api')) {
    for (const t of unclaimed(remote.tiersByApi.get(apiId) ?? [])) out.push({ kind: 'tier', label: `${t.name} on ${apiLabel(apiById.get(apiId)!)}`, id: t.id });
  }
  for (const a of unclaimed(remote.apps.filter((a) => declaredEnvs.has(a.environmentId)))) out.push({ kind: 'app', label: `${a.name} (${envName.get(a.environmentId)})`, id: a.id });
  for (const appId of declared('app')) {
    const app = remote.apps.find((a) => a.id === appId)!;
    for (const c of unclaimed((remote.contractsByApp.get(appId) ?? []).filter((c) => LIVE.has(c.state)))) {
      const api = apiById.get(c.apiId);
      out.push({ kind: 'contract', label: `${app.name} → ${api ? apiLabel(api) : c.apiId} (${c.state})`, id: c.id });
    }
  }
  return out;
}
