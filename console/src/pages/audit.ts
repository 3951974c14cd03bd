import { get, withQuery } from '../api.ts';
import { h, table } from '../dom.ts';
import { code, json, time } from '../format.ts';
import type { PageContext } from '../shell.ts';
import type { AuditEvent, Page } from '../types.ts';

const WINDOWS: [string, string, number | null][] = [
  ['1h', 'last hour', 3_600_000], ['24h', 'last 24 hours', 86_400_000], ['7d', 'last 7 days', 7 * 86_400_000], ['30d', 'last 30 days', 30 * 86_400_000], ['all', 'all time', null],
];
const PAGE_SIZE = 50;

/** The latest events first, within a time window (the last 24 hours by default), paged back with the API's cursor. */
export async function auditPage(ctx: PageContext): Promise<Node[]> {
  const window = WINDOWS.find(([key]) => key === ctx.query.get('window')) ?? WINDOWS[1]!;
  const type = ctx.query.get('type') ?? '';
  const entityId = ctx.query.get('entityId') ?? '';
  const cursor = ctx.query.get('cursor') ?? '';
  // The window's start is fixed in the URL when paging, so the next page continues the same query.
  const from = ctx.query.get('from') ?? (window[2] === null ? '' : new Date(Date.now() - window[2]).toISOString());
  const page = await get<Page<AuditEvent>>(withQuery('/v1/audit', { limit: PAGE_SIZE, cursor, type, entityId, from, order: 'desc' }));
  const route = (change: Record<string, string>) => withQuery('#/audit', { window: window[0], type, entityId, ...change });

  const windowSelect = h('select', { name: 'window', 'aria-label': 'Window' }, WINDOWS.map(([key, label]) => h('option', { value: key, selected: key === window[0] }, label)));
  const typeInput = h('input', { name: 'type', type: 'text', value: type, placeholder: 'e.g. contract.approved', 'aria-label': 'Event type' });
  const entityInput = h('input', { name: 'entityId', type: 'text', value: entityId, placeholder: 'entity id', 'aria-label': 'Entity id' });
  const form = h('form', { class: 'filters', on: { submit: (e) => {
    e.preventDefault();
    location.hash = route({ window: windowSelect.value, type: typeInput.value.trim(), entityId: entityInput.value.trim() });
  } } }, h('label', null, 'Show ', windowSelect), typeInput, entityInput, h('button', { type: 'submit' }, 'Apply'));

  return [
    h('h1', null, 'Audit log'),
    form,
    table<AuditEvent>([
      { title: '#', cell: (e) => e.seq, class: 'num' },
      { title: 'At', cell: (e) => time(e.at) },
      { title: 'Event', cell: (e) => code(e.type) },
      { title: 'Entity', cell: (e) => [e.entityType, ' ', code(e.entityId)] },
      { title: 'Actor', cell: (e) => e.actor },
      { title: 'Change', cell: (e) => (e.before !== undefined || e.after !== undefined
        ? h('details', null, h('summary', null, 'before / after'), json({ before: e.before ?? null, after: e.after ?? null }), e.idpActivity ? h('p', null, 'IdP activity: ', e.idpActivity) : null)
        : '—') },
    ], page.items, `No events in the ${window[1]}.`, (e) => ({ 'data-event-type': e.type })),
    h('p', { class: 'pager' },
      cursor ? h('a', { href: route({}) }, '← First page') : null,
      page.nextCursor ? [' ', h('a', { href: route({ cursor: page.nextCursor, from }) }, 'Older →')] : null,
      h('span', { class: 'muted' }, ` Newest first; ${PAGE_SIZE} per page.`)),
  ];
}
