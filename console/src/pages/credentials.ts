import { get, withQuery } from '../api.ts';
import { h, link, table, type Child } from '../dom.ts';
import { expiry, stateBadge, time } from '../format.ts';
import { rotateControl } from '../rotate.ts';
import { canOwnerWrite, session } from '../session.ts';
import type { PageContext } from '../shell.ts';
import type { InventoryItem, Page } from '../types.ts';

const WINDOWS: [string, string][] = [['', 'any time'], ['P7D', '7 days'], ['P30D', '30 days'], ['P90D', '90 days']];

/** The credential inventory (GET /v1/credentials) with its filters, and Rotate for app secrets. */
export async function credentialsPage(ctx: PageContext): Promise<Node[]> {
  const filter = {
    expiringWithin: ctx.query.get('expiringWithin') ?? '',
    ownerType: ctx.query.get('ownerType') ?? '',
    includeRemoved: ctx.query.get('includeRemoved') === 'true' ? 'true' : '',
  };
  const inventory = await get<Page<InventoryItem>>(withQuery('/v1/credentials', filter));
  const go = (change: Partial<typeof filter>) => {
    location.hash = withQuery('#/credentials', { ...filter, ...change });
  };
  const within = h('select', { 'aria-label': 'Expiring within', on: { change: () => go({ expiringWithin: within.value }) } },
    WINDOWS.map(([value, label]) => h('option', { value, selected: value === filter.expiringWithin }, label)));
  const owner = h('select', { 'aria-label': 'Owner type', on: { change: () => go({ ownerType: owner.value }) } },
    [['', 'apps and providers'], ['app', 'apps'], ['provider', 'providers']].map(([value, label]) => h('option', { value, selected: value === filter.ownerType }, label)));
  const removed = h('input', { type: 'checkbox', checked: filter.includeRemoved === 'true', on: { change: () => go({ includeRemoved: removed.checked ? 'true' : '' }) } });
  const mayRotate = canOwnerWrite(session.role);
  return [
    h('h1', null, 'Credentials'),
    h('form', { class: 'filters', on: { submit: (e) => e.preventDefault() } },
      h('label', null, 'Expiring within ', within), h('label', null, 'Owned by ', owner), h('label', null, removed, ' include removed')),
    table<InventoryItem>([
      { title: 'Owner', cell: (i) => ownerCell(i) },
      { title: 'Environment', cell: (i) => i.environments.map((e) => e.name).join(', ') || '—' },
      { title: 'Credential', cell: (i) => [i.credential.kind, ' ', h('code', null, i.credential.hint)] },
      { title: 'Origin', cell: (i) => i.credential.origin },
      { title: 'State', cell: (i) => stateBadge(i.credential.state) },
      { title: 'Expires', cell: (i) => expiry(i.credential.expiresAt, i.expiresInDays) },
      { title: 'Last use', cell: (i) => lastUse(i.lastUsedAt, i.lastUsedSource) },
      { title: '', cell: (i) => (mayRotate && i.owner.type === 'app' && i.credential.state === 'active'
        ? rotateControl({ id: i.owner.id, name: i.owner.name ?? i.owner.id }, ctx.refresh) : null) },
    ], inventory.items, filter.expiringWithin ? 'Nothing expires in that window.' : 'No credentials yet.',
    (i) => ({ 'data-credential': i.credential.id, 'data-owner': i.owner.id })),
  ];
}

export const ownerCell = (i: InventoryItem): Child =>
  i.owner.type === 'app' ? link(i.owner.name ?? i.owner.id, 'apps', i.owner.id) : [h('span', { class: 'muted' }, 'provider '), i.owner.name ?? i.owner.id];

const SOURCES: Record<string, string> = { credential: 'gateway', gateway: 'gateway', idp: 'IdP sign-ins', app: "app's activity" };

export const lastUse = (at: string | null, source: string | null): Child =>
  at ? [time(at), source ? h('span', { class: 'muted' }, ` (${SOURCES[source] ?? source})`) : null] : h('span', { class: 'muted' }, 'never seen');
