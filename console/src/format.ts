import { h, type Child } from './dom.ts';

/** "2026-11-27 06:51 UTC": operators compare times across regions, so the console shows UTC. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

export function expiry(iso: string | null, inDays: number | null = daysUntil(iso)): Child {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  const when = time(iso);
  if (inDays === null) return when;
  const cls = inDays < 0 ? 'badge bad' : inDays <= 7 ? 'badge bad' : inDays <= 30 ? 'badge warn' : 'badge';
  const label = inDays < 0 ? `expired ${-inDays} d ago` : inDays === 0 ? 'today' : `in ${inDays} d`;
  return [when, ' ', h('span', { class: cls }, label)];
}

export function daysUntil(iso: string | null): number | null {
  if (!iso) return null;
  return Math.floor((new Date(iso).getTime() - Date.now()) / 86_400_000);
}

export const stateBadge = (state: string): HTMLElement => h('span', { class: `badge state-${state}` }, state);

export const code = (text: string | null | undefined): Child => (text ? h('code', null, text) : h('span', { class: 'muted' }, '—'));

export const json = (value: unknown): HTMLElement => h('pre', { class: 'json' }, JSON.stringify(value, null, 2) ?? '—');
