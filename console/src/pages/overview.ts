import { get, listAll } from '../api.ts';
import { contractsTable } from '../contracts-table.ts';
import { h, link, section, table } from '../dom.ts';
import { expiry, stateBadge } from '../format.ts';
import { loadNames } from '../lookups.ts';
import type { PageContext } from '../shell.ts';
import type { Api, App, Contract, InventoryItem, Page } from '../types.ts';
import { ownerCell } from './credentials.ts';

/** Counts, what expires within 30 days, and the requests waiting for a decision. */
export async function overviewPage(ctx: PageContext): Promise<Node[]> {
  const [apis, apps, pending, expiring, names] = await Promise.all([
    listAll<Api>('/v1/apis'),
    listAll<App>('/v1/apps'),
    listAll<Contract>('/v1/contracts', { state: 'requested' }),
    get<Page<InventoryItem>>('/v1/credentials?expiringWithin=P30D'),
    loadNames(),
  ]);
  const count = (n: { items: unknown[]; more: boolean }) => `${n.items.length}${n.more ? '+' : ''}`;
  const card = (label: string, value: string, route: string) => h('a', { class: 'card', href: `#/${route}` }, h('span', { class: 'count' }, value), h('span', null, label));
  return [
    h('h1', null, 'Overview'),
    h('div', { class: 'cards' },
      card('APIs', count(apis), 'apis'),
      card('Apps', count(apps), 'apps'),
      card('Pending contract requests', count(pending), 'contracts'),
      card('Credentials expiring within 30 days', String(expiring.items.length), 'credentials'),
    ),
    section('Pending contract requests', contractsTable(pending.items, names, ctx.refresh, 'No requests are waiting.')),
    section('Credentials expiring within 30 days', table<InventoryItem>([
      { title: 'Owner', cell: (i) => ownerCell(i) },
      { title: 'Credential', cell: (i) => [i.credential.kind, ' ', h('code', null, i.credential.hint)] },
      { title: 'State', cell: (i) => stateBadge(i.credential.state) },
      { title: 'Expires', cell: (i) => expiry(i.credential.expiresAt, i.expiresInDays) },
    ], expiring.items, 'Nothing expires within 30 days.'), h('p', null, link('All credentials →', 'credentials'))),
  ];
}
