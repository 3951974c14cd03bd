import { get, listAll } from '../api.ts';
import { contractsTable } from '../contracts-table.ts';
import { facts, h, link, section, table } from '../dom.ts';
import { code, json, time } from '../format.ts';
import { loadNames } from '../lookups.ts';
import type { PageContext } from '../shell.ts';
import type { Api, Contract, Page, Tier } from '../types.ts';

export async function apisPage(): Promise<Node[]> {
  const [apis, names] = await Promise.all([listAll<Api>('/v1/apis'), loadNames({ tiersOf: [] })]);
  return [
    h('h1', null, 'APIs'),
    table<Api>([
      { title: 'Name', cell: (a) => link(a.name, 'apis', a.id) },
      { title: 'Version', cell: (a) => a.version },
      { title: 'Base path', cell: (a) => code(a.basePath) },
      { title: 'Upstream', cell: (a) => code(a.upstreamUrl) },
      { title: 'Environment', cell: (a) => names.env(a.environmentId) },
      { title: 'Policies', cell: (a) => a.policies.map((p) => p.type).join(', ') || '—' },
    ], apis.items, 'No APIs yet: put one behind the gateway with `gatehouse api create` or POST /v1/apis.'),
    apis.more ? h('p', { class: 'muted' }, 'Showing the first 2000.') : null,
  ].filter((n): n is HTMLElement => n !== null);
}

export async function apiDetailPage(ctx: PageContext): Promise<Node[]> {
  const id = ctx.params[0]!;
  const path = `/v1/apis/${encodeURIComponent(id)}`;
  const [api, tiers, contracts, names] = await Promise.all([
    get<Api>(path),
    get<Page<Tier>>(`${path}/tiers?limit=500`),
    listAll<Contract>('/v1/contracts', { apiId: id }),
    loadNames({ tiersOf: [id] }),
  ]);
  return [
    h('p', null, link('← APIs', 'apis')),
    h('h1', null, api.name, ' ', h('span', { class: 'muted' }, api.version)),
    facts([
      ['Id', code(api.id)],
      ['Environment', names.env(api.environmentId)],
      ['Base path', code(api.basePath)],
      ['Upstream', code(api.upstreamUrl)],
      ['Provider', api.providerId ? code(api.providerId) : 'environment default'],
      ['Created', time(api.createdAt)],
      ['Updated', time(api.updatedAt)],
    ]),
    section('Policies', api.policies.length
      ? h('ol', { class: 'policies' }, api.policies.map((p) => h('li', null, h('strong', null, p.type), Object.keys(p.config ?? {}).length ? json(p.config) : null)))
      : h('p', { class: 'empty' }, 'No policies.')),
    section('Tiers', table<Tier>([
      { title: 'Name', cell: (t) => t.name },
      { title: 'Limit', cell: (t) => `${t.limit.requests} requests / ${t.limit.windowSeconds} s` },
      { title: 'Approval', cell: (t) => t.approval },
      { title: 'Id', cell: (t) => code(t.id) },
    ], tiers.items, 'No tiers: apps cannot request access yet.')),
    section('Contracts', contractsTable(contracts.items, names, ctx.refresh, 'No app has asked for this API.')),
  ];
}
