import { get, listAll } from '../api.ts';
import { contractsTable } from '../contracts-table.ts';
import { facts, h, link, section, table } from '../dom.ts';
import { code, expiry, stateBadge, time } from '../format.ts';
import { loadNames } from '../lookups.ts';
import { rotateControl } from '../rotate.ts';
import { canOwnerWrite, session } from '../session.ts';
import type { PageContext } from '../shell.ts';
import type { App, AppActivity, Contract, Credential, Page } from '../types.ts';
import { lastUse } from './credentials.ts';

export async function appsPage(): Promise<Node[]> {
  const [apps, names] = await Promise.all([listAll<App>('/v1/apps'), loadNames({ tiersOf: [] })]);
  return [
    h('h1', null, 'Apps'),
    table<App>([
      { title: 'Name', cell: (a) => link(a.name, 'apps', a.id) },
      { title: 'Environment', cell: (a) => names.env(a.environmentId) },
      { title: 'Client id', cell: (a) => code(a.clientId) },
      { title: 'Owner', cell: (a) => a.ownerSubject ?? '—' },
      { title: 'Created', cell: (a) => time(a.createdAt) },
    ], apps.items, 'No apps yet.'),
  ];
}

export async function appDetailPage(ctx: PageContext): Promise<Node[]> {
  const id = ctx.params[0]!;
  const path = `/v1/apps/${encodeURIComponent(id)}`;
  const [app, credentials, contracts, activity, names] = await Promise.all([
    get<App>(path),
    get<Page<Credential>>(`${path}/credentials?limit=500`),
    listAll<Contract>('/v1/contracts', { appId: id }),
    get<AppActivity>(`${path}/activity`).catch(() => null),
    loadNames(),
  ]);
  return [
    h('p', null, link('← Apps', 'apps')),
    h('h1', null, app.name),
    facts([
      ['Id', code(app.id)],
      ['Environment', names.env(app.environmentId)],
      ['Client id', code(app.clientId)],
      ['Owner', app.ownerSubject ?? '—'],
      ['Contacts', app.ownerContacts.join(', ') || '—'],
      ['Description', app.description || '—'],
      ['Last seen at the gateway', activity ? [time(activity.lastSeenAt), activity.sourceAddresses.length ? ` from ${activity.sourceAddresses.join(', ')}` : ''] : '—'],
      ['Created', time(app.createdAt)],
    ]),
    section('Credentials',
      canOwnerWrite(session.role) ? h('p', null, rotateControl(app, ctx.refresh)) : null,
      table<Credential>([
        { title: 'Kind', cell: (c) => [c.kind, ' ', h('code', null, c.hint)] },
        { title: 'Origin', cell: (c) => c.origin },
        { title: 'State', cell: (c) => [stateBadge(c.state), c.retireAt && c.state === 'retiring' ? [' until ', time(c.retireAt)] : null] },
        { title: 'Expires', cell: (c) => expiry(c.expiresAt) },
        { title: 'Last use', cell: (c) => lastUse(c.lastUsedAt, c.lastUsedSource ?? null) },
        { title: 'Created', cell: (c) => time(c.createdAt) },
      ], credentials.items, 'No credentials.')),
    section('Contracts', contractsTable(contracts.items, names, ctx.refresh, 'This app has no contracts.')),
  ];
}
